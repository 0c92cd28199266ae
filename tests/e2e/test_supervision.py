"""`make run` as a service: scripts/serve.sh under supervisord, on free ports, with the
real trained model. A killed action server costs one polite reply and comes back by
itself while the Rasa server and the careers site keep serving; `make stop` and Ctrl-C
leave no process behind."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterator, List, Optional

import pytest
import requests

from harness.servers import (DEFAULT_MODEL, PYTHON, ROOT, base_env, free_port,
                             processes_started_with, tail)
from harness.waiting import wait_for
from tests.conftest import sqlite_url

pytestmark = pytest.mark.e2e

POLITE = "can't look that up right now"  # domain.yml: utter_lookup_unavailable
ROLE = "machine-learning-engineer"
READY = "The recruiting bot is running."
START_SECONDS = 400  # loading the model takes most of a minute on 2 busy cores
# Variables of the developer's own shell that would point the stack elsewhere.
UNSET = ("ACTION_ENDPOINT_URL", "ACTION_SERVER_HOST", "RASA_HOST", "CAREERS_SITE_HOST",
         "CAREERS_SITE_ORIGIN", "CAREERS_CHAT_URL", "RASA_MODEL", "RASA_API_TOKEN",
         "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET")


def answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=2).status_code < 500
    except requests.RequestException:
        return False


@dataclass
class Stack:
    """One `scripts/serve.sh` (what `make run` runs), its environment and its output."""

    work: Path
    env: Dict[str, str]
    process: subprocess.Popen
    output: Path

    @classmethod
    def start(cls, work: Path, kb_url: str) -> "Stack":
        if not DEFAULT_MODEL.is_file():
            pytest.fail(f"no trained model at {DEFAULT_MODEL}: run the tests through `make test`")
        work.mkdir(parents=True, exist_ok=True)
        env = base_env(ACTION_SERVER_PORT=str(free_port()), RASA_PORT=str(free_port()),
                       CAREERS_SITE_PORT=str(free_port()), LOG_DIR=str(work / "log"),
                       RUN_DIR=str(work / "run"), KB_DATABASE_URL=kb_url,
                       TRACKER_STORE_URL=sqlite_url(work / "tracker.sqlite"))
        for name in UNSET:
            env.pop(name, None)
        output = work / "serve.out"
        # Appending: the script and the programs it starts share this file.
        with output.open("ab") as handle:
            process = subprocess.Popen(["bash", "scripts/serve.sh"], cwd=ROOT, env=env,
                                       stdout=handle, stderr=subprocess.STDOUT,
                                       start_new_session=True)
        return cls(work, env, process, output)

    def url(self, port_variable: str, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.env[port_variable]}{path}"

    @property
    def log_dir(self) -> Path:
        return Path(self.env["LOG_DIR"])

    @property
    def run_dir(self) -> Path:
        return Path(self.env["RUN_DIR"])

    def text(self) -> str:
        return self.output.read_text(errors="replace")

    def wait_until_ready(self) -> None:
        def ready() -> bool:
            if self.process.poll() is not None:
                raise AssertionError(f"serve.sh exited ({self.process.returncode}):\n{self.text()}\n"
                                     f"{tail(self.log_dir / 'rasa.log')}")
            return READY in self.text()
        wait_for(ready, START_SECONDS, "the bot to start")

    def pid(self, program: str) -> int:
        result = subprocess.run(
            [PYTHON, "-m", "supervisor.supervisorctl", "-c", str(self.run_dir / "supervisord.conf"),
             "pid", program], cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=30)
        return int(result.stdout.strip())

    def say(self, sender: str, message: str) -> str:
        response = requests.post(self.url("RASA_PORT", "/webhooks/rest/webhook"),
                                 json={"sender": sender, "message": message}, timeout=60)
        response.raise_for_status()
        return "\n".join(r.get("text", "") for r in response.json())

    def processes(self) -> List[int]:
        return processes_started_with(self.run_dir)

    def kill_leftovers(self) -> None:
        """After a failed test: nothing of this stack may outlive the session."""
        for pid in self.processes():
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        if self.process.poll() is None:
            self.process.wait(timeout=10)


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, kb_path: Path) -> Iterator[Stack]:
    running = Stack.start(tmp_path_factory.mktemp("supervised"), sqlite_url(kb_path))
    try:
        running.wait_until_ready()
        yield running
    finally:
        running.kill_leftovers()


def salary_facts(kb) -> List[str]:  # type: ignore[no-untyped-def]
    facts = [fact.text for fact in kb.facts(ROLE, "salary")]
    assert facts, "the knowledge base has no salary facts"
    return facts


def test_a_killed_action_server_is_restarted_while_the_others_keep_serving(stack: Stack, kb):
    sender = f"supervised-{uuid.uuid4().hex[:12]}"
    assert "Machine Learning" in stack.say(sender, "tell me about the machine learning engineer job")
    rasa, careers, actions = stack.pid("rasa"), stack.pid("careers"), stack.pid("actions")
    rasa_log = stack.log_dir / "rasa.log"
    rasa_log_start = rasa_log.stat().st_size

    os.kill(actions, signal.SIGKILL)
    assert POLITE in stack.say(sender, "what does it pay?")
    failures = [line for line in rasa_log.read_text(errors="replace")[rasa_log_start:].splitlines()
                if "Action server failed" in line]
    assert len(failures) == 1, failures

    # The Rasa server and the careers site kept serving, as the same processes.
    assert requests.get(stack.url("CAREERS_SITE_PORT", f"/jobs/{ROLE}"), timeout=10).status_code == 200
    assert answers(stack.url("RASA_PORT"))

    # supervisord starts a new action server; the conversation goes on with real answers.
    wait_for(lambda: answers(stack.url("ACTION_SERVER_PORT", "/health")), 90,
             "the action server to be restarted")
    reply = stack.say(sender, "what does it pay?")
    for fact in salary_facts(kb):
        assert fact in reply
    assert stack.pid("actions") != actions
    assert (stack.pid("rasa"), stack.pid("careers")) == (rasa, careers)

    # One clear line about the crash (and one when it is running again), on the terminal
    # and in restarts.log; nothing about the servers that did not crash.
    def restart_lines() -> Optional[str]:
        text = (stack.log_dir / "restarts.log").read_text()
        return text if "running again" in text else None

    restarts = wait_for(restart_lines, 30, "the running-again line")
    crashed = [line for line in restarts.splitlines() if "stopped unexpectedly" in line]
    assert len(crashed) == 1 and "action server" in crashed[0] and f"pid {actions}" in crashed[0]
    assert "Rasa server" not in restarts and "careers site" not in restarts
    assert crashed[0] in stack.text()


def test_make_stop_stops_every_process_and_leaves_none_behind(stack: Stack):
    started = stack.processes()
    # serve.sh, supervisord, the restart-line listener, its tail, and the three servers.
    assert len(started) >= 7, started
    result = subprocess.run(["make", "-s", "stop"], cwd=ROOT, env=stack.env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Stopped." in result.stdout
    assert stack.process.wait(timeout=30) == 0
    assert "The recruiting bot stopped." in stack.text()
    assert stack.processes() == []
    for port in ("ACTION_SERVER_PORT", "RASA_PORT", "CAREERS_SITE_PORT"):
        assert not answers(stack.url(port)), f"{port} still answers"
    again = subprocess.run(["make", "-s", "stop"], cwd=ROOT, env=stack.env, capture_output=True,
                           text=True, timeout=60)
    assert again.returncode == 0 and "not running" in again.stdout


def test_ctrl_c_while_starting_stops_everything(tmp_path: Path, kb_path: Path):
    starting = Stack.start(tmp_path / "ctrl-c", sqlite_url(kb_path))
    try:
        # The action server and the site are up; the Rasa server is still loading its model.
        wait_for(lambda: answers(starting.url("ACTION_SERVER_PORT", "/health")), 120,
                 "the action server")
        assert len(starting.processes()) >= 7
        os.killpg(starting.process.pid, signal.SIGINT)  # what Ctrl-C in the terminal sends
        assert starting.process.wait(timeout=60) == 130
        assert "Stopping the recruiting bot" in starting.text()
        wait_for(lambda: not starting.processes(), 10, "every process to be gone")
        assert not re.search(r"gave up|stopped unexpectedly", starting.text())
    finally:
        starting.kill_leftovers()
