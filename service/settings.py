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
        }


def export_lines(settings: ServiceSettings) -> List[str]:
    """`export NAME=value` lines, quoted for a POSIX shell's `eval`."""
    return [f"export {name}={shlex.quote(value)}" for name, value in settings.exports().items()]


def main() -> int:
    """`python -m service.settings`: print the settings as `export` lines for a shell."""
    try:
        settings = ServiceSettings.from_env()
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print("\n".join(export_lines(settings)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
