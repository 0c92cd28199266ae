"""The careers site's settings, read from the environment once at start-up."""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Mapping, Optional
from urllib.parse import urlsplit

from service.settings import (DEFAULT_CAREERS_SITE_PORT, DEFAULT_CHAT_URL, DEFAULT_SITE_ORIGIN,
                              LOOPBACK, ServiceSettings)

DEFAULT_PORT = DEFAULT_CAREERS_SITE_PORT


def origin_of(url: str) -> str:
    """`scheme://host[:port]` of an absolute http(s) URL; ValueError for anything else."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not an absolute http(s) URL: {url!r}")
    return f"{parts.scheme}://{parts.netloc}"


@dataclass(frozen=True)
class Settings:
    host: str = LOOPBACK
    port: int = DEFAULT_PORT
    #: The Rasa server as the candidate's browser reaches it (the socket.io channel).
    chat_url: str = DEFAULT_CHAT_URL
    #: Where candidates open the site; the Rasa server must allow it (`--cors`).
    site_origin: str = DEFAULT_SITE_ORIGIN
    site_name: str = "Careers"
    #: The knowledge base (None: KB_DATABASE_URL, else var/knowledge.sqlite).
    kb_url: Optional[str] = None

    @property
    def chat_origin(self) -> str:
        return origin_of(self.chat_url)

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> "Settings":
        service = ServiceSettings.from_env(env)  # ports, hosts and URLs, with their defaults
        settings = cls(
            host=service.careers_site_host,
            port=service.careers_site_port,
            chat_url=service.chat_url,
            site_origin=origin_of(service.site_origin),
            site_name=env.get("CAREERS_SITE_NAME") or "Careers",
            kb_url=env.get("KB_DATABASE_URL") or None,
        )
        settings.chat_origin  # validates CAREERS_CHAT_URL  # noqa: B018
        return settings
