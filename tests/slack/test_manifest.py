"""The Slack app manifest asks for what the channel answers, and no more."""
from __future__ import annotations

from urllib.parse import urlparse

import yaml

from rasa_ext.credentials import SLACK_WEBHOOK_PATH
from rasa_ext.slack_events import DIRECT_MESSAGE, MENTION, RECRUITER_REPLY, classify
from tests.conftest import ROOT
from tests.slack.conftest import bolt

MANIFEST = yaml.safe_load((ROOT / "slack" / "manifest.yml").read_text())


def test_events_subscribed_are_the_events_answered():
    settings = MANIFEST["settings"]
    assert set(settings["event_subscriptions"]["bot_events"]) == {
        "app_mention", "message.im", "message.channels", "message.groups"}
    assert "user_events" not in settings["event_subscriptions"]
    # message.im delivers `message` events in DMs, app_mention `app_mention` events:
    dm = classify(bolt("test_payload_utils__im_message_no_thread_ts_body"))
    assert dm.message.kind == DIRECT_MESSAGE
    assert classify(bolt("test_events__valid_event_body")).message.kind == MENTION
    # message.channels / message.groups: only thread replies in the recruiters' channel.
    reply = bolt("test_message__message_body")
    reply["event"].update(thread_ts="1600000000.000100", user="U999")
    assert classify(reply, recruiter_channels=[reply["event"]["channel"]]).message.kind \
        == RECRUITER_REPLY
    assert not classify(reply).answer


def test_scopes_are_the_least_the_bot_needs():
    # app_mention needs app_mentions:read, message.im needs im:history, answering chat:write,
    # message.channels channels:history and message.groups groups:history.
    assert set(MANIFEST["oauth_config"]["scopes"]["bot"]) == {
        "app_mentions:read", "im:history", "chat:write", "channels:history", "groups:history"}
    assert "user" not in MANIFEST["oauth_config"]["scopes"]


def test_request_url_is_a_placeholder_on_the_channels_path():
    url = urlparse(MANIFEST["settings"]["event_subscriptions"]["request_url"])
    assert url.scheme == "https" and url.netloc == "YOUR-PUBLIC-HOST"
    assert url.path == SLACK_WEBHOOK_PATH


def test_http_events_no_socket_mode_no_interactivity_and_a_dm_tab():
    settings = MANIFEST["settings"]
    assert settings["socket_mode_enabled"] is False
    assert not settings.get("interactivity", {}).get("is_enabled", False)
    home = MANIFEST["features"]["app_home"]
    assert home["messages_tab_enabled"] is True and home["messages_tab_read_only_enabled"] is False
    assert len(MANIFEST["display_information"]["description"]) <= 140
    assert MANIFEST["features"]["bot_user"]["display_name"]
