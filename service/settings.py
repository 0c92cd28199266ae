"""Every default of the running bot — ports, hosts, public URLs, the model, the log and run
folders — in one place, each overridable from the environment.

Before, 5005, 5055, 8000 and var/log were repeated in the Makefile, scripts/serve.sh, the
test harness, rasa_ext/credentials.py and careers/config.py, and could drift apart. Now
they all read `ServiceSettings.from_env()`; shell scripts read it through
`python -m service.settings`, which prints `export NAME=value` lines for `eval`.
(Where the knowledge base lives is bot/settings.py's: KB_DATABASE_URL, KB_KNOWLEDGE_DIR.)

Standard library only: it runs at every `make run` before anything heavy is imported.
"""
from __future__ import annotations

import os
import shlex
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Mapping, Optional

PROJECT_ROOT = Path(__file__).resolve().parent.parent

#: Every server listens on loopback unless told otherwise (a reverse proxy goes in front).
LOOPBACK = "127.0.0.1"
#: How a browser or client on this machine names it (the site's origin, the chat URL).
LOCAL_NAME = "localhost"

DEFAULT_ACTION_SERVER_PORT = 5055
DEFAULT_RASA_PORT = 5005
DEFAULT_CAREERS_SITE_PORT = 8000
DEFAULT_MODEL = "models/recruiting-bot.tar.gz"
DEFAULT_LOG_DIR = "var/log"
#: Generated files of a running bot: credentials.yml, endpoints.yml, supervisord.conf,
#: the supervisor's socket and pid file.
DEFAULT_RUN_DIR = "var"


def site_origin_for(port: int) -> str:
    """The careers site's origin when CAREERS_SITE_ORIGIN is not set."""
    return f"http://{LOCAL_NAME}:{port}"


def chat_url_for(rasa_port: int) -> str:
    """The Rasa server as a browser on this machine reaches it (CAREERS_CHAT_URL unset)."""
    return f"http://{LOCAL_NAME}:{rasa_port}"


def action_endpoint_url_for(action_port: int) -> str:
    """Where Rasa calls the action server when ACTION_ENDPOINT_URL is not set."""
    return f"http://{LOCAL_NAME}:{action_port}/webhook"


#: The defaults of the default ports, for modules that need a constant.
DEFAULT_SITE_ORIGIN = site_origin_for(DEFAULT_CAREERS_SITE_PORT)
DEFAULT_CHAT_URL = chat_url_for(DEFAULT_RASA_PORT)


def _port(env: Mapping[str, str], name: str, default: int) -> int:
    raw = (env.get(name) or "").strip()
    if not raw:
        return default
    try:
        port = int(raw)
    except ValueError:
        raise ValueError(f"{name}={raw!r} is not a port number") from None
    if not 0 < port < 65536:
        raise ValueError(f"{name}={raw!r} is not a port number (1-65535)")
    return port


def _path(env: Mapping[str, str], name: str, default: str) -> Path:
    path = Path(env.get(name) or default)
    return path if path.is_absolute() else PROJECT_ROOT / path


@dataclass(frozen=True)
class ServiceSettings:
    """What `make run` starts, where, and how browsers reach it."""

    action_server_host: str = LOOPBACK
    action_server_port: int = DEFAULT_ACTION_SERVER_PORT
    rasa_host: str = LOOPBACK
    rasa_port: int = DEFAULT_RASA_PORT
    careers_site_host: str = LOOPBACK
    careers_site_port: int = DEFAULT_CAREERS_SITE_PORT
    #: The site's public origin(s), comma-separated: the only ones allowed to use the chat.
    site_origin: str = DEFAULT_SITE_ORIGIN
    chat_url: str = DEFAULT_CHAT_URL
    action_endpoint_url: str = action_endpoint_url_for(DEFAULT_ACTION_SERVER_PORT)
    model: Path = PROJECT_ROOT / DEFAULT_MODEL
    log_dir: Path = PROJECT_ROOT / DEFAULT_LOG_DIR
    run_dir: Path = PROJECT_ROOT / DEFAULT_RUN_DIR
    #: State shared by several Rasa processes (Slack retry de-duplication, socket.io pushes
    #: between replicas): a redis:// URL. Empty: kept in the process (one Rasa process).
    redis_url: str = ""
    #: Set by `make run-scaled` for each Rasa replica (1, 2 ...): it starts its socket.io
    #: session ids with "r<id>-", so nginx sends a session to its own replica.
    replica_id: str = ""

    @classmethod
    def from_env(cls, env: Optional[Mapping[str, str]] = None) -> "ServiceSettings":
        """The settings the environment asks for; ValueError names a bad variable."""
        env = os.environ if env is None else env
        action_port = _port(env, "ACTION_SERVER_PORT", DEFAULT_ACTION_SERVER_PORT)
        rasa_port = _port(env, "RASA_PORT", DEFAULT_RASA_PORT)
        site_port = _port(env, "CAREERS_SITE_PORT", DEFAULT_CAREERS_SITE_PORT)
        return cls(
            action_server_host=env.get("ACTION_SERVER_HOST") or LOOPBACK,
            action_server_port=action_port,
            rasa_host=env.get("RASA_HOST") or LOOPBACK,
            rasa_port=rasa_port,
            careers_site_host=env.get("CAREERS_SITE_HOST") or LOOPBACK,
            careers_site_port=site_port,
            site_origin=(env.get("CAREERS_SITE_ORIGIN") or "").strip() or site_origin_for(site_port),
            chat_url=(env.get("CAREERS_CHAT_URL") or chat_url_for(rasa_port)).strip().rstrip("/"),
            action_endpoint_url=(env.get("ACTION_ENDPOINT_URL")
                                 or action_endpoint_url_for(action_port)).strip(),
            model=_path(env, "RASA_MODEL", DEFAULT_MODEL),
            log_dir=_path(env, "LOG_DIR", DEFAULT_LOG_DIR),
            run_dir=_path(env, "RUN_DIR", DEFAULT_RUN_DIR),
            redis_url=(env.get("REDIS_URL") or "").strip(),
            replica_id=(env.get("RASA_REPLICA_ID") or "").strip(),
        )

    @property
    def site_origins(self) -> List[str]:
        return [origin.strip() for origin in self.site_origin.split(",") if origin.strip()]

    def exports(self) -> Dict[str, str]:
        """The environment every server of the bot is started with."""
        return {
            "ACTION_SERVER_HOST": self.action_server_host,
            "ACTION_SERVER_PORT": str(self.action_server_port),
            "ACTION_ENDPOINT_URL": self.action_endpoint_url,
            "RASA_HOST": self.rasa_host,
            "RASA_PORT": str(self.rasa_port),
            "RASA_MODEL": str(self.model),
            "CAREERS_SITE_HOST": self.careers_site_host,
            "CAREERS_SITE_PORT": str(self.careers_site_port),
            "CAREERS_SITE_ORIGIN": self.site_origin,
            "CAREERS_CHAT_URL": self.chat_url,
            "LOG_DIR": str(self.log_dir),
            "RUN_DIR": str(self.run_dir),
            "REDIS_URL": self.redis_url,
        }


#: `make run-scaled`: the defaults of the scaled setup (service/scaled.py).
DEFAULT_RASA_REPLICAS = 2
DEFAULT_ACTION_REPLICAS = 2
#: The private Redis and PostgreSQL the scaled setup starts, off their usual ports so a
#: system-wide Redis or PostgreSQL on this machine is never touched.
DEFAULT_SCALED_REDIS_PORT = 6390
DEFAULT_SCALED_POSTGRES_PORT = 5440
#: Rasa replica i listens on RASA_REPLICA_PORT_BASE + i, action server i on
#: ACTION_REPLICA_PORT_BASE + i (loopback only; nginx is the public side).
DEFAULT_RASA_REPLICA_PORT_BASE = 5100
DEFAULT_ACTION_REPLICA_PORT_BASE = 5150
DEFAULT_SCALED_DIR = "var/scaled"


def _count(env: Mapping[str, str], name: str, default: int, most: int = 16) -> int:
    raw = (env.get(name) or "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= most:
        raise ValueError(f"{name}={raw!r} is not a number from 1 to {most}")
    return int(raw)


@dataclass(frozen=True)
class ScaledSettings:
    """What `make run-scaled` adds to `make run`: replicas, and the services they share."""

    rasa_replicas: int = DEFAULT_RASA_REPLICAS
    action_replicas: int = DEFAULT_ACTION_REPLICAS
    redis_port: int = DEFAULT_SCALED_REDIS_PORT
    postgres_port: int = DEFAULT_SCALED_POSTGRES_PORT
    rasa_replica_port_base: int = DEFAULT_RASA_REPLICA_PORT_BASE
    action_replica_port_base: int = DEFAULT_ACTION_REPLICA_PORT_BASE
    #: Redis's and PostgreSQL's data, nginx's configuration and temporary files.
    state_dir: Path = PROJECT_ROOT / DEFAULT_SCALED_DIR

    @classmethod
    def from_env(cls, env: Optional[Mapping[str, str]] = None) -> "ScaledSettings":
        env = os.environ if env is None else env
        return cls(
            rasa_replicas=_count(env, "RASA_REPLICAS", DEFAULT_RASA_REPLICAS),
            action_replicas=_count(env, "ACTION_REPLICAS", DEFAULT_ACTION_REPLICAS),
            redis_port=_port(env, "SCALED_REDIS_PORT", DEFAULT_SCALED_REDIS_PORT),
            postgres_port=_port(env, "SCALED_POSTGRES_PORT", DEFAULT_SCALED_POSTGRES_PORT),
            rasa_replica_port_base=_port(env, "RASA_REPLICA_PORT_BASE",
                                         DEFAULT_RASA_REPLICA_PORT_BASE),
            action_replica_port_base=_port(env, "ACTION_REPLICA_PORT_BASE",
                                           DEFAULT_ACTION_REPLICA_PORT_BASE),
            state_dir=_path(env, "SCALED_DIR", DEFAULT_SCALED_DIR),
        )

    @property
    def rasa_replica_ports(self) -> List[int]:
        return [self.rasa_replica_port_base + i for i in range(1, self.rasa_replicas + 1)]

    @property
    def action_replica_ports(self) -> List[int]:
        return [self.action_replica_port_base + i for i in range(1, self.action_replicas + 1)]

    def exports(self) -> Dict[str, str]:
        return {
            "RASA_REPLICAS": str(self.rasa_replicas),
            "ACTION_REPLICAS": str(self.action_replicas),
            "SCALED_REDIS_PORT": str(self.redis_port),
            "SCALED_POSTGRES_PORT": str(self.postgres_port),
            "RASA_REPLICA_PORT_BASE": str(self.rasa_replica_port_base),
            "ACTION_REPLICA_PORT_BASE": str(self.action_replica_port_base),
            "SCALED_DIR": str(self.state_dir),
        }


def export_lines(settings: "ServiceSettings | ScaledSettings") -> List[str]:
    """`export NAME=value` lines, quoted for a POSIX shell's `eval`."""
    return [f"export {name}={shlex.quote(value)}" for name, value in settings.exports().items()]


def main() -> int:
    """`python -m service.settings [--scaled]`: print the settings (or those of
    `make run-scaled`) as `export` lines for a shell."""
    try:
        settings: "ServiceSettings | ScaledSettings" = (
            ScaledSettings.from_env() if sys.argv[1:] == ["--scaled"] else ServiceSettings.from_env())
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print("\n".join(export_lines(settings)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
