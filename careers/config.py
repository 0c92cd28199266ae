"""The careers site's settings, read from the environment once at start-up."""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Mapping, Optional
from urllib.parse import urlsplit

DEFAULT_PORT = 8000


def origin_of(url: str) -> str:
    """`scheme://host[:port]` of an absolute http(s) URL; ValueError for anything else."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not an absolute http(s) URL: {url!r}")
    return f"{parts.scheme}://{parts.netloc}"


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    #: The Rasa server as the candidate's browser reaches it (the socket.io channel).
    chat_url: str = "http://localhost:5005"
    #: Where candidates open the site; the Rasa server must allow it (`--cors`).
    site_origin: str = f"http://localhost:{DEFAULT_PORT}"
    site_name: str = "Careers"
    #: The knowledge base (None: KB_DATABASE_URL, else var/knowledge.sqlite).
    kb_url: Optional[str] = None

    @property
    def chat_origin(self) -> str:
        return origin_of(self.chat_url)

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> "Settings":
        port = int(env.get("CAREERS_SITE_PORT") or DEFAULT_PORT)
        rasa_port = env.get("RASA_PORT") or "5005"
        chat_url = env.get("CAREERS_CHAT_URL") or f"http://localhost:{rasa_port}"
        site_origin = env.get("CAREERS_SITE_ORIGIN") or f"http://localhost:{port}"
        settings = cls(
            host=env.get("CAREERS_SITE_HOST") or "127.0.0.1",
            port=port,
            chat_url=chat_url.rstrip("/"),
            site_origin=origin_of(site_origin),
            site_name=env.get("CAREERS_SITE_NAME") or "Careers",
            kb_url=env.get("KB_DATABASE_URL") or None,
        )
        settings.chat_origin  # validates CAREERS_CHAT_URL  # noqa: B018
        return settings
