"""Where the Rasa server finds the action server and stores conversations, from the
environment at start-up.

`python -m rasa_ext.endpoints OUT.yml` writes the endpoints file `make run` and the tests
hand to `rasa run --endpoints`: the repository's endpoints.yml with

- the action server at ACTION_ENDPOINT_URL, else http://localhost:$ACTION_SERVER_PORT/webhook
  (service/settings.py);
- the tracker store at TRACKER_STORE_URL (any SQLAlchemy URL; a password in it stays in
  the generated file, readable by its owner only), else the SQLite file of endpoints.yml,
  made absolute so the server's working directory does not matter, kept by our subclass of
  Rasa's SQL tracker store that deletes a conversation when the candidate asks
  (rasa_ext/tracker_store.py);
- the lock store at LOCK_STORE_URL (redis://[:password@]host[:port][/db]) when set: several
  Rasa processes (Sanic workers or replicas) must share their conversation locks, and
  Rasa silently runs a single worker with its in-memory lock store. Rasa's redis lock
  store takes the host name, port and db apart, and an alphanumeric key prefix.
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Dict, List, Mapping
from urllib.parse import urlsplit

import yaml
from sqlalchemy.engine import make_url

from rasa_ext import generated
from service.settings import ServiceSettings

ROOT = Path(__file__).resolve().parent.parent
BASE = ROOT / "endpoints.yml"
#: Rasa's RedisLockStore accepts only letters and digits here.
LOCK_KEY_PREFIX = "recruiting"
#: Rasa's Redis lock store, polling a busy conversation's lock every 50 ms, not 1 s.
LOCK_STORE_TYPE = "rasa_ext.lock_store.RedisLockStore"
#: Rasa's SQL tracker store, which can also forget a conversation on request.
TRACKER_STORE_TYPE = "rasa_ext.tracker_store.ForgettingSQLTrackerStore"


def redis_lock_store(url: str) -> Dict[str, Any]:
    """Rasa's `lock_store:` section for a redis:// URL; ValueError says what is wrong."""
    parts = urlsplit(url)
    if parts.scheme != "redis" or not parts.hostname:
        raise ValueError(f"LOCK_STORE_URL={url!r} is not a redis://host[:port][/db] URL")
    db = parts.path.strip("/") or "0"
    if not db.isdigit():
        raise ValueError(f"LOCK_STORE_URL={url!r}: the database {db!r} is not a number")
    store: Dict[str, Any] = {"type": LOCK_STORE_TYPE, "url": parts.hostname, "port": parts.port or 6379,
                             "db": int(db), "key_prefix": LOCK_KEY_PREFIX}
    if parts.password:
        store["password"] = parts.password
    return store


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
        store.update(type=TRACKER_STORE_TYPE, dialect=url.get_backend_name(),
                     url=url.render_as_string(hide_password=False))
        endpoints["tracker_store"] = store
    lock_url = (env.get("LOCK_STORE_URL") or "").strip()
    if lock_url:
        endpoints["lock_store"] = redis_lock_store(lock_url)
    return endpoints


def describe(endpoints: Mapping[str, Any], env: Mapping[str, str]) -> List[str]:
    store = endpoints.get("tracker_store") or {}
    where = repr(make_url(store["url"])) if store.get("url") else "in memory"
    lines = [f"Action server: {endpoints['action_endpoint']['url']}",
             f"Conversations stored in: {where}"]
    lock = endpoints.get("lock_store")
    if lock:
        lines.append(f"Conversation locks in: redis {lock['url']}:{lock['port']} db {lock['db']}")
    return lines


if __name__ == "__main__":
    raise SystemExit(generated.main(sys.argv[1:], "rasa_ext.endpoints", build, describe))
