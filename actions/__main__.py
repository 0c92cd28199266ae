"""`python -m actions [--port 5055]`: the Rasa SDK action server serving this package,
after checking that the knowledge base can be read (a clear log line if not)."""
from __future__ import annotations

import argparse
import logging
import os
import sys

# The action server uses spaCy's tokenizer and PhraseMatcher only. spaCy's thinc imports
# whichever deep-learning framework is installed, and Rasa installs TensorFlow: ~450 MB of
# memory for nothing. An import of a name mapped to None fails, so thinc goes without.
for _framework in ("tensorflow", "jax", "torch", "mxnet"):
    sys.modules.setdefault(_framework, None)  # type: ignore[arg-type]

from rasa_sdk import endpoint  # noqa: E402

from actions.knowledge import check_at_startup  # noqa: E402
from service.settings import ServiceSettings  # noqa: E402


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
