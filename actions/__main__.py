"""`python -m actions [--port 5055]`: the Rasa SDK action server serving this package,
after checking that the knowledge base can be read (a clear log line if not)."""
from __future__ import annotations

import argparse
import logging
import os

from rasa_sdk import endpoint

from actions.knowledge import check_at_startup


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m actions")
    parser.add_argument("--port", type=int, default=int(os.environ.get("ACTION_SERVER_PORT", 5055)))
    parser.add_argument("--log-level", default=os.environ.get("LOG_LEVEL", "INFO"))
    args = parser.parse_args()
    logging.basicConfig(level=args.log_level.upper(),
                        format="%(asctime)s %(levelname)s %(name)s - %(message)s")
    # Only the Rasa server calls the action server: listen on loopback unless told
    # otherwise, and send no CORS headers.
    os.environ.setdefault("SANIC_HOST", os.environ.get("ACTION_SERVER_HOST", "127.0.0.1"))
    check_at_startup()
    endpoint.run("actions", port=args.port, cors_origins=None)


if __name__ == "__main__":
    main()
