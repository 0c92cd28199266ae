"""Where the Rasa server finds the action server and stores conversations, from the
environment at start-up.

`python -m rasa_ext.endpoints OUT.yml` writes the endpoints file `make run` and the tests
hand to `rasa run --endpoints`: the repository's endpoints.yml with

- the action server at ACTION_ENDPOINT_URL, else http://localhost:$ACTION_SERVER_PORT/webhook
  (service/settings.py);
- the tracker store at TRACKER_STORE_URL (any SQLAlchemy URL; a password in it stays in
  the generated file, readable by its owner only), else the SQLite file of endpoints.yml,
  made absolute so the server's working directory does not matter.
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Dict, List, Mapping

import yaml
from sqlalchemy.engine import make_url

from rasa_ext import generated
from service.settings import ServiceSettings

ROOT = Path(__file__).resolve().parent.parent
BASE = ROOT / "endpoints.yml"


def build(env: Mapping[str, str], base: Path = BASE) -> Dict[str, Any]:
    endpoints: Dict[str, Any] = dict(yaml.safe_load(base.read_text()) or {})
    endpoints["action_endpoint"] = {"url": ServiceSettings.from_env(env).action_endpoint_url}
    store = dict(endpoints.get("tracker_store") or {})
    if store.get("type") == "SQL":
        url = make_url(env.get("TRACKER_STORE_URL") or store["url"])
        if url.get_backend_name() == "sqlite" and url.database:
            path = Path(url.database)
            url = url.set(database=str(path if path.is_absolute() else ROOT / path))
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        store.update(dialect=url.get_backend_name(),
                     url=url.render_as_string(hide_password=False))
        endpoints["tracker_store"] = store
    return endpoints


def describe(endpoints: Mapping[str, Any], env: Mapping[str, str]) -> List[str]:
    store = endpoints.get("tracker_store") or {}
    where = repr(make_url(store["url"])) if store.get("url") else "in memory"
    return [f"Action server: {endpoints['action_endpoint']['url']}",
            f"Conversations stored in: {where}"]


if __name__ == "__main__":
    raise SystemExit(generated.main(sys.argv[1:], "rasa_ext.endpoints", build, describe))
