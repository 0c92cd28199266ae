"""`python -m careers [--host H] [--port P]`: serve the careers site.

Settings come from the environment (careers/config.py): CAREERS_SITE_PORT (8000),
CAREERS_SITE_HOST (127.0.0.1), CAREERS_CHAT_URL (the Rasa server as browsers reach it,
default http://localhost:$RASA_PORT), CAREERS_SITE_ORIGIN, CAREERS_SITE_NAME and
KB_DATABASE_URL (the knowledge base).
"""
from __future__ import annotations

import argparse
import dataclasses
import logging
import os

from aiohttp import web

from bot import KnowledgeBase, KnowledgeBaseUnavailable
from bot.db import display_url
from bot.settings import database_url
from careers import assets
from careers.app import create_app
from careers.config import Settings

log = logging.getLogger("careers")


def main() -> None:
    settings = Settings.from_env()
    parser = argparse.ArgumentParser(prog="python -m careers", description=__doc__.splitlines()[0])
    parser.add_argument("--host", default=settings.host)
    parser.add_argument("--port", type=int, default=settings.port)
    parser.add_argument("--log-level", default=os.environ.get("LOG_LEVEL", "INFO"))
    args = parser.parse_args()
    settings = dataclasses.replace(settings, host=args.host, port=args.port)
    logging.basicConfig(level=args.log_level.upper(),
                        format="%(asctime)s %(levelname)s %(name)s - %(message)s")

    try:
        assets.ensure_built()
    except assets.AssetError as exc:
        log.error("The web chat is off: %s", exc)
    kb = KnowledgeBase(settings.kb_url)
    try:
        log.info("Knowledge base ready: %d role(s) at %s", kb.check(),
                 display_url(settings.kb_url or database_url()))
    except KnowledgeBaseUnavailable as exc:
        log.error("Knowledge base unavailable at start-up: %s", exc)
    log.info("Careers site on http://%s:%d/ (chat: %s; open it at %s)", settings.host,
             settings.port, settings.chat_url, settings.site_origin)
    web.run_app(create_app(settings, kb), host=settings.host, port=settings.port,
                print=None, access_log_format='%a "%r" %s %b %Tfs')


if __name__ == "__main__":
    main()
