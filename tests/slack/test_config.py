"""The Slack channel is on exactly when both secrets are in the environment, configured
from it (never from the repository), and `make run` says which channels are on."""
from __future__ import annotations

import stat
import subprocess
import sys

import pytest
import yaml

from rasa_ext import credentials
from rasa_ext import generated
from rasa_ext.credentials import SLACK_CHANNEL, build, describe
from tests.conftest import ROOT

SECRETS = {"SLACK_BOT_TOKEN": "xoxb-1-2-abc",
           "SLACK_SIGNING_SECRET": "8f742231b10e8888abcd99yyyzzz85a5"}


def test_off_without_the_secrets():
    creds = build({})
    assert SLACK_CHANNEL not in creds and "rasa_ext.rest.RestInput" in creds
    assert describe(creds, {})[1].startswith("Channels off: Slack")


@pytest.mark.parametrize("present", ["SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"])
def test_off_with_only_one_secret_and_says_which_is_missing(present):
    env = {present: SECRETS[present]}
    creds = build(env)
    assert SLACK_CHANNEL not in creds
    missing = ({"SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"} - {present}).pop()
    assert any(missing in line and "not set" in line for line in describe(creds, env))


def test_on_with_both_secrets_from_the_environment():
    env = {k: f"  {v}\n" for k, v in SECRETS.items()}  # pasted with stray whitespace
    creds = build(env)
    assert creds[SLACK_CHANNEL] == {"slack_token": SECRETS["SLACK_BOT_TOKEN"],
                                    "slack_signing_secret": SECRETS["SLACK_SIGNING_SECRET"]}
    lines = describe(creds, env)
    assert lines[0].startswith("Channels on: REST") and lines[0].endswith(", Slack")
    assert not any(line.startswith("Channels off") for line in lines)
    assert any("/webhooks/slack/webhook" in line for line in lines)


def test_api_base_url_and_threads_options():
    env = {**SECRETS, "SLACK_API_BASE_URL": "http://127.0.0.1:9/api/", "SLACK_USE_THREADS": "true"}
    slack = build(env)[SLACK_CHANNEL]
    assert slack["api_base_url"] == "http://127.0.0.1:9/api/" and slack["use_threads"] is True
    assert "use_threads" not in build({**SECRETS, "SLACK_USE_THREADS": "0"})[SLACK_CHANNEL]


def test_a_token_that_is_not_a_bot_token_is_warned_about():
    env = {**SECRETS, "SLACK_BOT_TOKEN": "xoxp-user-token"}
    assert any("xoxb-" in line for line in describe(build(env), env))


def test_secrets_go_only_to_the_generated_file_readable_by_its_owner(tmp_path):
    out = tmp_path / "var" / "credentials.yml"
    generated.write(out, build(SECRETS), "rasa_ext.credentials")
    slack = yaml.safe_load(out.read_text())[SLACK_CHANNEL]
    assert slack["slack_token"] == SECRETS["SLACK_BOT_TOKEN"]
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    repository_file = credentials.BASE.read_text()
    assert "slack" not in yaml.safe_load(repository_file)
    assert SECRETS["SLACK_SIGNING_SECRET"] not in repository_file


def test_the_command_make_run_calls_prints_the_channels(tmp_path):
    def run(env):
        command = [sys.executable, "-m", "rasa_ext.credentials", str(tmp_path / "c.yml")]
        return subprocess.run(command, cwd=ROOT, env={"PYTHONPATH": str(ROOT), **env},
                              check=True, capture_output=True, text=True).stdout
    assert "Channels off: Slack" in run({})
    on = run(SECRETS)
    assert "Channels on: REST" in on and ", Slack\n" in on and "Channels off" not in on
    assert SECRETS["SLACK_SIGNING_SECRET"] not in on and SECRETS["SLACK_BOT_TOKEN"] not in on


def test_rasa_builds_our_slack_channel_from_the_generated_credentials():
    from rasa.core.run import _create_single_channel
    from rasa_ext.slack import SlackInput, SlackOutput

    env = {**SECRETS, "SLACK_API_BASE_URL": "http://127.0.0.1:9/api"}
    channel = _create_single_channel(SLACK_CHANNEL, build(env)[SLACK_CHANNEL])
    assert type(channel) is SlackInput and channel.name() == "slack"
    out = channel.get_output_channel("C111", "1.2")
    assert isinstance(out, SlackOutput) and out.client.base_url == "http://127.0.0.1:9/api/"
    assert out.client.token == SECRETS["SLACK_BOT_TOKEN"] and out.thread_id == "1.2"
    default = _create_single_channel(SLACK_CHANNEL, build(SECRETS)[SLACK_CHANNEL])
    assert default.get_output_channel("C111").client.base_url == "https://slack.com/api/"


def test_the_channel_refuses_to_start_without_its_secrets():
    from rasa.shared.exceptions import InvalidConfigException
    from rasa_ext.slack import SlackInput

    with pytest.raises(InvalidConfigException):
        SlackInput.from_credentials({"slack_token": "xoxb-1"})
    with pytest.raises(InvalidConfigException):
        SlackInput.from_credentials({"slack_signing_secret": "abc"})


@pytest.mark.parametrize("env,slack_on", [({}, False), ({"SLACK_BOT_TOKEN": "xoxb-1"}, False),
                                           ({"SLACK_SIGNING_SECRET": "abc"}, False),
                                           (SECRETS, True)])
def test_rasa_opens_the_slack_webhook_only_when_configured(tmp_path, env, slack_on):
    """What `rasa run --credentials var/credentials.yml` opens, as `make run` starts it."""
    from rasa.core.run import create_http_input_channels

    path = tmp_path / "credentials.yml"
    generated.write(path, build(env), "rasa_ext.credentials")
    names = [c.name() for c in create_http_input_channels(None, str(path))]
    assert "rest" in names
    assert ("slack" in names) == slack_on
