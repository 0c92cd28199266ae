"""Which channels the Rasa server opens, decided from the environment at start-up.

`python -m rasa_ext.credentials OUT.yml` writes the credentials file `make run` and the
tests hand to `rasa run --credentials`, and prints which channels are on:

- the channels of the repository's credentials.yml (REST and the web chat's socket.io);
- Slack (`/webhooks/slack/webhook`, see docs/slack.md), only when SLACK_BOT_TOKEN and
  SLACK_SIGNING_SECRET are both set. Secrets are written only to the generated file
  (under var/, ignored by git, readable by its owner only), never to the repository.
  Optional: SLACK_API_BASE_URL (the Slack Web API address, default Slack's own; tests
  point it at a fake) and SLACK_USE_THREADS=1 (answer top-level channel mentions in a
  thread; a mention written in a thread is always answered in that thread) and
  SLACK_RECRUITERS_CHANNEL (the recruiters' channel id, C...: a recruiter's reply in a
  handoff's thread there reaches the candidate, rasa_ext/relay.py; unset, no relay).
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional

import yaml

from rasa_ext import generated
from service.settings import ServiceSettings

BASE = Path(__file__).resolve().parent.parent / "credentials.yml"
REST_CHANNEL = "rasa_ext.rest.RestInput"
SLACK_CHANNEL = "rasa_ext.slack.SlackInput"
SOCKETIO_CHANNEL = "rasa_ext.socketio.SocketIOInput"


SLACK_SECRETS = ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET")
SLACK_WEBHOOK_PATH = "/webhooks/slack/webhook"
_TRUE = {"1", "true", "yes", "on"}


def _env(env: Mapping[str, str], name: str) -> str:
    # A secret pasted with a trailing newline would break every signature check.
    return (env.get(name) or "").strip()


def slack_credentials(env: Mapping[str, str]) -> Optional[Dict[str, Any]]:
    """Slack's credentials when both secrets are set, else None (channel off)."""
    token, secret = (_env(env, name) for name in SLACK_SECRETS)
    if not (token and secret):
        return None
    credentials: Dict[str, Any] = {"slack_token": token, "slack_signing_secret": secret}
    if _env(env, "SLACK_API_BASE_URL"):
        credentials["api_base_url"] = _env(env, "SLACK_API_BASE_URL")
    if _env(env, "SLACK_USE_THREADS").lower() in _TRUE:
        credentials["use_threads"] = True
    if _env(env, "SLACK_RECRUITERS_CHANNEL"):
        credentials["recruiters_channel"] = _env(env, "SLACK_RECRUITERS_CHANNEL")
    if _env(env, "SLACK_RATE_LIMIT_PER_MINUTE"):
        credentials["rate_limit_per_minute"] = int(_env(env, "SLACK_RATE_LIMIT_PER_MINUTE"))
    return credentials


def slack_notes(env: Mapping[str, str]) -> List[str]:
    """What to tell the person starting the bot about Slack."""
    missing = [name for name in SLACK_SECRETS if not _env(env, name)]
    if len(missing) == 1:
        return [f"Slack is off: {missing[0]} is not set (both Slack variables are needed)"]
    if missing:
        return []
    notes = [f"Slack: point the app's Event Subscriptions Request URL at "
             f"https://<public host>{SLACK_WEBHOOK_PATH} (see docs/slack.md)"]
    if not _env(env, "SLACK_BOT_TOKEN").startswith("xoxb-"):
        notes.append("warning: SLACK_BOT_TOKEN should be the Bot User OAuth Token (xoxb-...)")
    if _env(env, "SLACK_RECRUITERS_CHANNEL"):
        notes.append(f"Slack: recruiters reply to candidates in the threads of channel "
                     f"{_env(env, 'SLACK_RECRUITERS_CHANNEL')} (docs/slack.md)")
    else:
        notes.append("Slack: SLACK_RECRUITERS_CHANNEL is not set: no recruiter relay")
    if _env(env, "SLACK_API_BASE_URL"):
        notes.append(f"Slack Web API: {_env(env, 'SLACK_API_BASE_URL')}")
    return notes


def build(env: Mapping[str, str], base: Path = BASE) -> Dict[str, Any]:
    """The channels to open: credentials.yml's, with the environment's settings."""
    credentials: Dict[str, Any] = dict(yaml.safe_load(base.read_text()) or {})
    if SOCKETIO_CHANNEL in credentials:
        # The web chat's socket.io accepts only the careers site's origin(s).
        origins = ServiceSettings.from_env(env).site_origins  # CAREERS_SITE_ORIGIN or default
        credentials[SOCKETIO_CHANNEL] = {**(credentials[SOCKETIO_CHANNEL] or {}),
                                         "cors_allowed_origins": origins}
    if REST_CHANNEL in credentials and _env(env, "REST_RATE_LIMIT_PER_MINUTE"):
        credentials[REST_CHANNEL] = {**(credentials[REST_CHANNEL] or {}),
                                     "rate_limit_per_minute": int(_env(env, "REST_RATE_LIMIT_PER_MINUTE"))}
    slack = slack_credentials(env)
    if slack is not None:
        credentials[SLACK_CHANNEL] = slack
    return credentials


def describe(credentials: Mapping[str, Any], env: Optional[Mapping[str, str]] = None) -> List[str]:
    names = {REST_CHANNEL: "REST", SOCKETIO_CHANNEL: "socket.io (web chat)", SLACK_CHANNEL: "Slack"}
    on = [names.get(key, key) for key in credentials]
    off = [] if SLACK_CHANNEL in credentials else [
        "Slack (set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET to turn it on)"]
    lines = [f"Channels on: {', '.join(on)}"] + ([f"Channels off: {', '.join(off)}"] if off else [])
    return lines + (slack_notes(env) if env is not None else [])


if __name__ == "__main__":
    raise SystemExit(generated.main(sys.argv[1:], "rasa_ext.credentials", build, describe))
