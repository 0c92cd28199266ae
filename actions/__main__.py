"""`python -m actions [--port 5055]`: the Rasa SDK action server serving this package,
after checking that the knowledge base can be read (a clear log line if not)."""
from __future__ import annotations

import argparse
import logging
import os

from rasa_sdk import endpoint

from actions.knowledge import check_at_startup
from service.settings import ServiceSettings


def main() -> None:
    settings = ServiceSettings.from_env()
    parser = argparse.ArgumentParser(prog="python -m actions")
    parser.add_argument("--port", type=int, default=settings.action_server_port)
    parser.add_argument("--log-level", default=os.environ.get("LOG_LEVEL", "INFO"))
    args = parser.parse_args()
    logging.basicConfig(level=args.log_level.upper(),
                        format="%(asctime)s %(levelname)s %(name)s - %(message)s")
    # Only the Rasa server calls the action server: listen on loopback unless told
    # otherwise, and send no CORS headers.
    os.environ.setdefault("SANIC_HOST", settings.action_server_host)
    check_at_startup()
    endpoint.run("actions", port=args.port, cors_origins=None)


if __name__ == "__main__":
    main()
