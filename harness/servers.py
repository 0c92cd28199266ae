"""Start the real action server and Rasa server as subprocesses, on free ports.

Used by the end-to-end tests (once per session) and by the benchmark scripts, so both
measure exactly what `make run` starts.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional

import requests

from service import settings as service_settings
from service.settings import LOOPBACK

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DEFAULT_MODEL = ROOT / service_settings.DEFAULT_MODEL


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        return sock.getsockname()[1]


def base_env(**overrides: str) -> Dict[str, str]:
    env = dict(os.environ)
    env.update({
        "PYTHONPATH": str(ROOT),
        "RASA_TELEMETRY_ENABLED": "false",
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
        "RECRUITING_SPACY_MODEL": str(ROOT / "models" / "spacy-pipeline"),
        "RECRUITING_MINILM_MODEL": str(ROOT / "models" / "minilm"),
    })
    env.update(overrides)
    return env


def wait_until(url: str, process: subprocess.Popen, log: Path, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url}: the server exited ({process.returncode}):\n{tail(log)}")
        try:
            if requests.get(url, timeout=2).status_code < 500:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{url}: not up after {seconds} s:\n{tail(log)}")


def tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def processes_started_with(run_dir: Path) -> List[int]:
    """Every live process started for one stack (each inherits its unique RUN_DIR)."""
    marker = f"RUN_DIR={run_dir}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes().split(b"\0")
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if marker in environ and state != "Z":
            found.append(int(entry.name))
    return found


@dataclass
class Server:
    name: str
    command: List[str]
    env: Dict[str, str]
    health_url: str
    log: Path
    startup_seconds: float
    process: Optional[subprocess.Popen] = None

    def start(self) -> "Server":
        self.log.parent.mkdir(parents=True, exist_ok=True)
        handle = self.log.open("ab")
        self.process = subprocess.Popen(self.command, cwd=ROOT, env=self.env, stdout=handle,
                                        stderr=subprocess.STDOUT, start_new_session=True)
        handle.close()
        wait_until(self.health_url, self.process, self.log, self.startup_seconds)
        return self

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None


@dataclass
class Bot:
    """The action server and the Rasa server of one bot, on their own ports."""

    work_dir: Path
    kb_url: str
    model: Path = DEFAULT_MODEL
    extra_env: Dict[str, str] = field(default_factory=dict)
    rasa_args: List[str] = field(default_factory=list)
    action_port: int = field(default_factory=free_port)
    rasa_port: int = field(default_factory=free_port)
    #: How Rasa is started: `rasa_ext` as `make run` does, or `rasa` (plain `rasa run`).
    rasa_module: str = "rasa_ext"

    def __post_init__(self) -> None:
        self.work_dir.mkdir(parents=True, exist_ok=True)
        env = base_env(KB_DATABASE_URL=self.kb_url,
                       ACTION_ENDPOINT_URL=f"http://{LOOPBACK}:{self.action_port}/webhook",
                       TRACKER_STORE_URL=self.tracker_store_url,
                       **{"CANDIDATES_DATABASE_URL": self.candidates_url, **self.extra_env})
        # The channels and endpoints `make run` would use with this environment.
        credentials = self.work_dir / "credentials.yml"
        endpoints = self.work_dir / "endpoints.yml"
        for module, path in (("rasa_ext.credentials", credentials), ("rasa_ext.endpoints", endpoints)):
            subprocess.run([PYTHON, "-m", module, str(path)], cwd=ROOT, env=env, check=True,
                           capture_output=True)
        self.actions = Server(
            "action server", [PYTHON, "-m", "actions", "--port", str(self.action_port)], env,
            f"http://{LOOPBACK}:{self.action_port}/health", self.work_dir / "actions.log", 60)
        self.rasa = Server(
            "Rasa server",
            [PYTHON, "-m", self.rasa_module, "run", "--model", str(self.model), "--interface",
             LOOPBACK, "--port", str(self.rasa_port), "--credentials", str(credentials),
             "--endpoints", str(endpoints), *self.rasa_args],
            env, f"http://{LOOPBACK}:{self.rasa_port}/", self.work_dir / "rasa.log", 300)

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.rasa_port}"

    @property
    def site_origin(self) -> str:
        """The origin the socket.io channel accepts (the careers site's)."""
        return service_settings.ServiceSettings.from_env(self.actions.env).site_origins[0]

    @property
    def tracker_store_url(self) -> str:
        return f"sqlite:///{self.work_dir / 'tracker.sqlite'}"

    @property
    def candidates_url(self) -> str:
        """Applications, handoffs and unanswered questions (bot/candidates.py), unless
        extra_env names another database."""
        return self.extra_env.get("CANDIDATES_DATABASE_URL") or \
            f"sqlite:///{self.work_dir / 'candidates.sqlite'}"

    def start(self) -> "Bot":
        self.actions.start()
        self.rasa.start()
        return self

    def stop(self) -> None:
        self.rasa.stop()
        self.actions.stop()

    def restart_actions(self, **env: str) -> None:
        """Restart the action server, with some environment changed (e.g. KB_DATABASE_URL)."""
        self.actions.stop()
        self.actions.env = {**self.actions.env, **env}
        self.actions.start()

    def say(self, sender: str, message: object, timeout: float = 60,
            page: Optional[str] = None) -> List[dict]:
        """Send one message over the REST channel (from the job page of role `page`, as
        the web chat says it); the bot's replies."""
        body: Dict[str, Any] = {"sender": sender, "message": message}
        if page:
            body["metadata"] = {"role": page}
        response = requests.post(f"{self.url}/webhooks/rest/webhook", json=body, timeout=timeout)
        response.raise_for_status()
        return response.json()

    def reply_text(self, sender: str, message: object, page: Optional[str] = None) -> str:
        return "\n".join(r.get("text", "") for r in self.say(sender, message, page=page))
