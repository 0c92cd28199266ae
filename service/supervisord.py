"""The supervisord configuration `make run` starts the bot's servers with, and `make stop`.

Why supervisord (PyPI `supervisor`): it restarts a server that exits while the others
keep serving (`autorestart`), with a growing delay when a server keeps failing right
after starting (BACKOFF: 1 s, 2 s, 3 s ... up to `START_RETRIES`, then FATAL instead of
spinning), stops every process group it started on SIGTERM/SIGINT (`stopasgroup`,
`killasgroup`, SIGKILL after `STOP_WAIT_SECONDS`), reports state changes to event
listeners (our one log line per crash, service/restarts.py), and is pure Python with no
dependencies. honcho (a Foreman clone) has no restart policy: it stops everything when
one process exits, which is what `make run` did before. circus needs ZeroMQ.

    python -m service.supervisord conf OUT.conf [--only actions]   write the configuration
    python -m service.supervisord stop                             stop a running bot

Everything is read from service/settings.py (ports, folders) and the environment; the
servers inherit supervisord's environment (PYTHONPATH, KB_DATABASE_URL, the Slack secrets
...), so no secret is written here except RASA_API_TOKEN, which `rasa run` only takes on
its command line (the file is readable by its owner only, like var/credentials.yml).
"""
from __future__ import annotations

import argparse
import os
import shlex
import signal
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

from service.settings import PROJECT_ROOT, ServiceSettings

#: A server that exits within its start-up time this many times in a row is given up on.
START_RETRIES = 10
#: How long a server has to stop on SIGTERM before it (and its process group) is killed.
STOP_WAIT_SECONDS = 20
LOG_MAX_BYTES = "10MB"
LOG_BACKUPS = 3
#: What the operator reads in log lines, by supervisord program name.
TITLES: Dict[str, str] = {"actions": "action server", "rasa": "Rasa server",
                          "careers": "careers site",
                          # `make run-scaled` (service/scaled.py) adds these.
                          "redis": "Redis server", "postgres": "PostgreSQL server",
                          "nginx": "nginx load balancer"}


def title_of(name: str) -> Optional[str]:
    """What an operator calls a supervised program ("rasa-2": "Rasa server replica 2");
    None for a program that is not a server of the bot (e.g. the restart listener)."""
    base, _, number = name.rpartition("-")
    if number.isdigit() and base in TITLES:
        return f"{TITLES[base]} replica {number}"
    return TITLES.get(name)


@dataclass(frozen=True)
class Program:
    """One server under supervision."""

    name: str
    command: List[str]
    #: How long it must stay up to count as started; exiting sooner means backoff.
    start_seconds: int
    #: Started with supervisord (False: started later, by `supervisorctl start`).
    autostart: bool = True
    #: The user it runs as when supervisord runs as root (PostgreSQL refuses root).
    user: Optional[str] = None
    #: Variables for this program only, on top of supervisord's environment.
    environment: Tuple[Tuple[str, str], ...] = ()
    #: Lower starts first and stops last (the databases before the servers using them).
    priority: int = 999
    stop_signal: str = "TERM"

    @property
    def title(self) -> str:
        return title_of(self.name) or self.name


def conf_path(settings: ServiceSettings) -> Path:
    return settings.run_dir / "supervisord.conf"


def pid_path(settings: ServiceSettings) -> Path:
    return settings.run_dir / "supervisord.pid"


def socket_path(settings: ServiceSettings) -> Path:
    return settings.run_dir / "supervisor.sock"


def programs(settings: ServiceSettings, env: Mapping[str, str],
             python: str = sys.executable) -> List[Program]:
    """The action server, the Rasa server and the careers site, as `make run` starts them."""
    api_args: List[str] = []
    token = (env.get("RASA_API_TOKEN") or "").strip()
    if token:
        # Rasa's HTTP API (conversations, model, ...) stays off unless a token protects it.
        api_args = ["--enable-api", "--auth-token", token]
    run_dir = settings.run_dir
    return [
        Program("actions", [python, "-m", "actions", "--port", str(settings.action_server_port)],
                start_seconds=5),
        # Loading the model takes most of a minute on 2 cores; a crash while loading is a
        # failure to start (backoff), not a crash of a running server.
        Program("rasa", [python, "-m", "rasa_ext", "run", "--model", str(settings.model),
                         "--interface", settings.rasa_host, "--port", str(settings.rasa_port),
                         "--credentials", str(run_dir / "credentials.yml"),
                         "--endpoints", str(run_dir / "endpoints.yml"), *api_args,
                         "--cors", settings.site_origin],
                start_seconds=60),
        Program("careers", [python, "-m", "careers"], start_seconds=5),
    ]


def _value(text: object) -> str:
    """A literal for supervisord's INI file, which expands %(name)s itself."""
    return str(text).replace("%", "%%")


def _section(title: str, options: Iterable[Sequence[object]]) -> str:
    return "\n".join([f"[{title}]", *(f"{key}={_value(value)}" for key, value in options)])


def render(settings: ServiceSettings, selected: Sequence[Program], python: str = sys.executable) -> str:
    """The text of supervisord.conf for these programs and our restart-line listener."""
    log_dir = settings.log_dir
    sections = [
        "; Generated by `python -m service.supervisord conf` at start-up; do not edit or commit.",
        _section("supervisord", [
            ("nodaemon", "true"),
            # The terminal shows our one line per event (service/restarts.py, through
            # restarts.log), not every state change; supervisord's own account goes to its
            # log file.
            ("silent", "true"),
            ("logfile", log_dir / "supervisord.log"),
            ("logfile_maxbytes", LOG_MAX_BYTES),
            ("logfile_backups", LOG_BACKUPS),
            ("loglevel", "info"),
            ("pidfile", pid_path(settings)),
            ("childlogdir", log_dir),
            ("directory", PROJECT_ROOT),
            ("identifier", "recruiting-bot"),
        ]),
        _section("unix_http_server", [("file", socket_path(settings)), ("chmod", "0700")]),
        _section("rpcinterface:supervisor", [
            ("supervisor.rpcinterface_factory", "supervisor.rpcinterface:make_main_rpcinterface")]),
        _section("supervisorctl", [("serverurl", f"unix://{socket_path(settings)}")]),
    ]
    for program in selected:
        extra: List[Sequence[object]] = []
        if program.user and os.geteuid() == 0:
            extra.append(("user", program.user))
        if program.environment:
            extra.append(("environment", ",".join(
                f'{name}="{value}"' for name, value in program.environment)))
        sections.append(_section(f"program:{program.name}", [
            ("command", shlex.join(program.command)),
            ("directory", PROJECT_ROOT),
            *extra,
            ("autostart", "true" if program.autostart else "false"),
            # A server never exits on its own: restart it whatever its exit status.
            ("autorestart", "true"),
            ("startsecs", program.start_seconds),
            ("startretries", START_RETRIES),
            ("priority", program.priority),
            ("stopsignal", program.stop_signal),
            ("stopwaitsecs", STOP_WAIT_SECONDS),
            # Signal the whole process group, so nothing a server started is left behind.
            ("stopasgroup", "true"),
            ("killasgroup", "true"),
            ("redirect_stderr", "true"),
            ("stdout_logfile", log_dir / f"{program.name}.log"),
            ("stdout_logfile_maxbytes", LOG_MAX_BYTES),
            ("stdout_logfile_backups", LOG_BACKUPS),
        ]))
    sections.append(_section("eventlistener:restarts", [
        ("command", shlex.join([python, "-m", "service.restarts"])),
        ("directory", PROJECT_ROOT),
        ("events", "PROCESS_STATE"),
        ("autorestart", "true"),
        ("stopasgroup", "true"),
        ("killasgroup", "true"),
        # Its stdout is supervisord's event protocol; its lines go to restarts.log, which
        # scripts/serve.sh shows on the terminal (supervisord reopening /dev/stderr would
        # write over the script's own output when that is a file).
        ("stderr_logfile", log_dir / "restarts.log"),
        ("stderr_logfile_maxbytes", LOG_MAX_BYTES),
        ("stderr_logfile_backups", LOG_BACKUPS),
    ]))
    return "\n\n".join(sections) + "\n"


def write_conf(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(0o600)  # it may hold RASA_API_TOKEN


def running_pid(settings: ServiceSettings) -> Optional[int]:
    """The pid of this bot's supervisord, or None when it is not running."""
    try:
        pid = int(pid_path(settings).read_text().strip())
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except (OSError, ValueError):
        return None
    return pid if b"supervisor" in cmdline else None


def stop(settings: ServiceSettings, timeout: float = STOP_WAIT_SECONDS * 3) -> int:
    """SIGTERM to supervisord, which stops every server, then wait until it is gone."""
    pid = running_pid(settings)
    if pid is None:
        print("The recruiting bot is not running.")
        return 0
    print(f"Stopping the recruiting bot (supervisord pid {pid})")
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if running_pid(settings) != pid and not Path(f"/proc/{pid}").exists():
            print("Stopped.")
            return 0
        time.sleep(0.2)
    print(f"error: supervisord (pid {pid}) did not stop within {timeout:.0f} s; "
          f"see {settings.log_dir / 'supervisord.log'}", file=sys.stderr)
    return 1


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m service.supervisord",
                                     description="supervisord for the recruiting bot")
    commands = parser.add_subparsers(dest="command", required=True)
    conf = commands.add_parser("conf", help="write the supervisord configuration")
    conf.add_argument("out", type=Path)
    conf.add_argument("--only", action="append", choices=sorted(TITLES),
                      help="start only these servers (repeatable; default: all)")
    commands.add_parser("stop", help="stop the running bot")
    args = parser.parse_args(argv)
    try:
        settings = ServiceSettings.from_env()
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.command == "stop":
        return stop(settings)
    selected = [p for p in programs(settings, os.environ) if not args.only or p.name in args.only]
    write_conf(args.out, render(settings, selected))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
