"""One place for the running bot's defaults: every consumer derives the same values from
the same environment, and shell scripts get them as `export` lines that survive quoting."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from careers.config import Settings as SiteSettings
from rasa_ext import credentials, endpoints
from service.settings import PROJECT_ROOT, ServiceSettings, export_lines


def test_defaults_are_the_documented_ones():
    settings = ServiceSettings.from_env({})
    assert (settings.action_server_port, settings.rasa_port, settings.careers_site_port) == (5055, 5005, 8000)
    assert settings.rasa_host == settings.action_server_host == settings.careers_site_host == "127.0.0.1"
    assert settings.site_origin == "http://localhost:8000"
    assert settings.chat_url == "http://localhost:5005"
    assert settings.action_endpoint_url == "http://localhost:5055/webhook"
    assert settings.log_dir == PROJECT_ROOT / "var" / "log"
    assert settings.run_dir == PROJECT_ROOT / "var"
    assert settings.model == PROJECT_ROOT / "models" / "recruiting-bot.tar.gz"


def test_derived_urls_follow_the_ports_and_explicit_values_win():
    settings = ServiceSettings.from_env({"ACTION_SERVER_PORT": "6055", "RASA_PORT": "6005",
                                         "CAREERS_SITE_PORT": "6000", "LOG_DIR": "/tmp/x/log"})
    assert settings.site_origin == "http://localhost:6000"
    assert settings.chat_url == "http://localhost:6005"
    assert settings.action_endpoint_url == "http://localhost:6055/webhook"
    assert str(settings.log_dir) == "/tmp/x/log"
    explicit = ServiceSettings.from_env({"CAREERS_CHAT_URL": "https://jobs.example.com/",
                                         "CAREERS_SITE_ORIGIN": "https://jobs.example.com, https://b.example",
                                         "ACTION_ENDPOINT_URL": "http://actions:5055/webhook"})
    assert explicit.chat_url == "https://jobs.example.com"
    assert explicit.site_origins == ["https://jobs.example.com", "https://b.example"]
    assert explicit.action_endpoint_url == "http://actions:5055/webhook"


@pytest.mark.parametrize("value", ["http", "0", "70000", "50 05"])
def test_a_bad_port_is_refused_with_the_variable_named(value):
    with pytest.raises(ValueError, match="RASA_PORT"):
        ServiceSettings.from_env({"RASA_PORT": value})


def test_the_site_the_channels_and_the_endpoints_read_the_same_settings():
    env = {"ACTION_SERVER_PORT": "6055", "RASA_PORT": "6005", "CAREERS_SITE_PORT": "6000"}
    site = SiteSettings.from_env(env)
    assert (site.port, site.chat_url, site.site_origin) == (6000, "http://localhost:6005",
                                                            "http://localhost:6000")
    socketio = credentials.build(env)[credentials.SOCKETIO_CHANNEL]
    assert socketio["cors_allowed_origins"] == ["http://localhost:6000"]
    assert endpoints.build(env)["action_endpoint"]["url"] == "http://localhost:6055/webhook"


def test_shell_exports_round_trip_through_eval(tmp_path):
    odd = str(tmp_path / "log dir with 'quotes' and $HOME")
    env = {"PATH": os.environ["PATH"], "PYTHONPATH": str(PROJECT_ROOT), "LOG_DIR": odd,
           "RASA_PORT": "6005"}
    script = f'eval "$({sys.executable} -m service.settings)"; printf "%s\\n" "$LOG_DIR" "$CAREERS_CHAT_URL"'
    result = subprocess.run(["bash", "-c", script], env=env, capture_output=True, text=True, check=True)
    assert result.stdout.splitlines() == [odd, "http://localhost:6005"]
    assert all(line.startswith("export ") for line in export_lines(ServiceSettings()))


def test_a_bad_setting_stops_the_shell_script_with_a_clear_message():
    env = {"PATH": os.environ["PATH"], "PYTHONPATH": str(PROJECT_ROOT), "CAREERS_SITE_PORT": "eighty"}
    result = subprocess.run([sys.executable, "-m", "service.settings"], env=env,
                            capture_output=True, text=True)
    assert result.returncode == 2 and result.stdout == ""
    assert "CAREERS_SITE_PORT='eighty' is not a port number" in result.stderr
