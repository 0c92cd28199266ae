"""The scaled setup exactly as `make run-scaled` starts it (scripts/serve.sh --scaled), on
ports and folders of its own, for the benchmark, the load test and the e2e test."""
from __future__ import annotations

import os
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

import requests

from harness.servers import ROOT, base_env, free_port, processes_started_with, tail
from service import scaled as scaled_setup
from service.settings import LOOPBACK, ScaledSettings, ServiceSettings

READY_LINE = "The recruiting bot is running"


def _free_ports(count: int) -> int:
    """The first of `count` consecutive free ports (replicas are numbered from a base)."""
    for _ in range(50):
        base = free_port()
        if base + count < 65000 and all(_is_free(base + i) for i in range(1, count + 1)):
            return base
    raise RuntimeError("no run of free ports found")


def _is_free(port: int) -> bool:
    import socket

    with socket.socket() as sock:
        try:
            sock.bind((LOOPBACK, port))
        except OSError:
            return False
    return True


def _traversable(path: Path) -> None:
    """Let PostgreSQL's and nginx's service users reach a folder in a private temporary
    directory (tempfile makes them 0700)."""
    temp_root = Path(tempfile.gettempdir()).resolve()
    for folder in [path.resolve(), *path.resolve().parents]:
        if folder == temp_root or temp_root not in folder.parents:
            break
        folder.chmod(folder.stat().st_mode | 0o011)


@dataclass
class ScaledBot:
    work_dir: Path
    rasa_replicas: int = 2
    action_replicas: int = 2
    extra_env: Dict[str, str] = field(default_factory=dict)
    process: Optional[subprocess.Popen] = None

    def __post_init__(self) -> None:
        self.work_dir.mkdir(parents=True, exist_ok=True)
        _traversable(self.work_dir)
        self.rasa_port = free_port()
        env = base_env(
            RASA_PORT=str(self.rasa_port), ACTION_SERVER_PORT=str(free_port()),
            CAREERS_SITE_PORT=str(free_port()), SCALED_REDIS_PORT=str(free_port()),
            SCALED_POSTGRES_PORT=str(free_port()),
            RASA_REPLICA_PORT_BASE=str(_free_ports(self.rasa_replicas)),
            ACTION_REPLICA_PORT_BASE=str(_free_ports(self.action_replicas)),
            RASA_REPLICAS=str(self.rasa_replicas), ACTION_REPLICAS=str(self.action_replicas),
            RUN_DIR=str(self.work_dir / "run"), LOG_DIR=str(self.work_dir / "log"),
            SCALED_DIR=str(self.work_dir / "scaled"), **self.extra_env)
        # Set by scripts/serve.sh from service/scaled.py; never inherited from the caller.
        for name in ("TRACKER_STORE_URL", "KB_DATABASE_URL", "LOCK_STORE_URL", "REDIS_URL",
                     "ACTION_ENDPOINT_URL", "CAREERS_CHAT_URL", "CAREERS_SITE_ORIGIN"):
            env.pop(name, None)
        self.env = env
        self.settings = ScaledSettings.from_env(env)
        self.log = self.work_dir / "serve.log"

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.rasa_port}"

    @property
    def replica_urls(self) -> List[str]:
        return [f"http://{LOOPBACK}:{port}" for port in self.settings.rasa_replica_ports]

    @property
    def site_origin(self) -> str:
        """The origin the socket.io channel accepts (the careers site's)."""
        return ServiceSettings.from_env(self.env).site_origins[0]

    @property
    def tracker_store_url(self) -> str:
        return scaled_setup.database_url(self.settings, scaled_setup.DATABASES["TRACKER_STORE_URL"])

    @property
    def conf(self) -> Path:
        return self.work_dir / "run" / "supervisord.conf"

    def start(self, seconds: float = 600) -> "ScaledBot":
        handle = self.log.open("ab")
        self.process = subprocess.Popen([str(ROOT / "scripts" / "serve.sh"), "--scaled"],
                                        cwd=ROOT, env=self.env, stdout=handle,
                                        stderr=subprocess.STDOUT, start_new_session=True)
        handle.close()
        deadline = time.monotonic() + seconds
        while READY_LINE not in self.log.read_text(errors="replace"):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the scaled setup did not start:\n{tail(self.log)}")
            time.sleep(0.5)
        return self

    def supervisorctl(self, *args: str) -> str:
        done = subprocess.run([str(ROOT / ".venv" / "bin" / "python"), "-m",
                               "supervisor.supervisorctl", "-c", str(self.conf), *args],
                              cwd=ROOT, env=self.env, capture_output=True, text=True)
        return done.stdout.strip()

    def pid(self, program: str) -> int:
        return int(self.supervisorctl("pid", program))

    def kill(self, program: str) -> int:
        """SIGKILL one supervised program (a crash); its pid, once it is gone.

        A process of 1.5 GB takes a moment to die: until then the kernel still accepts
        connections on its port, and resets them as it goes (a request "in flight")."""
        pid = self.pid(program)
        os.kill(pid, signal.SIGKILL)
        # Gone means reaped: a zombie leader may still have threads holding the sockets.
        deadline = time.monotonic() + 10
        while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        return pid

    def wait_healthy(self, url: str, seconds: float = 300) -> float:
        started = time.monotonic()
        while time.monotonic() - started < seconds:
            try:
                if requests.get(url, timeout=2).status_code == 200:
                    return time.monotonic() - started
            except requests.RequestException:
                pass
            time.sleep(0.5)
        raise RuntimeError(f"{url} not healthy after {seconds} s")

    def processes(self) -> List[int]:
        return processes_started_with(self.work_dir / "run")

    def stop(self) -> None:
        """As `make stop` does; SIGTERM to serve.sh if that fails."""
        if self.process is None or self.process.poll() is not None:
            return
        subprocess.run([str(ROOT / ".venv" / "bin" / "python"), "-m", "service.supervisord", "stop"],
                       cwd=ROOT, env=self.env, capture_output=True, timeout=120)
        if self.process.poll() is None:
            try:
                self.process.wait(timeout=30)
                return
            except subprocess.TimeoutExpired:
                self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=90)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
