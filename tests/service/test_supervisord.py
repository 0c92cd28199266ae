"""The supervisord configuration `make run` starts, read back by supervisord's own parser,
and the one line per crash or restart that the event listener writes."""
from __future__ import annotations

import io
import logging
import shlex
from pathlib import Path

import pytest
from supervisor.datatypes import RestartUnconditionally
from supervisor.options import ServerOptions

from service.restarts import Report, RestartReporter, listen
from service.settings import ServiceSettings
from service.supervisord import START_RETRIES, programs, render, write_conf


@pytest.fixture
def settings(tmp_path: Path) -> ServiceSettings:
    return ServiceSettings.from_env({"LOG_DIR": str(tmp_path / "log"), "RUN_DIR": str(tmp_path / "run"),
                                     "RASA_PORT": "6005", "CAREERS_SITE_PORT": "6000"})


def parse(settings: ServiceSettings, text: str) -> ServerOptions:
    path = settings.run_dir / "supervisord.conf"
    settings.log_dir.mkdir(parents=True)  # scripts/serve.sh makes it before starting supervisord
    write_conf(path, text)
    options = ServerOptions()
    options.realize(args=["-c", str(path)])
    return options


def test_every_server_is_restarted_with_backoff_and_stopped_as_a_group(settings):
    options = parse(settings, render(settings, programs(settings, {}, python="/venv/python")))
    groups = {group.name: group for group in options.process_group_configs}
    assert set(groups) == {"actions", "rasa", "careers", "restarts"}
    for name in ("actions", "rasa", "careers"):
        (config,) = groups[name].process_configs
        assert config.autorestart is RestartUnconditionally and config.startretries == START_RETRIES
        assert config.stopasgroup and config.killasgroup
        assert config.stdout_logfile == str(settings.log_dir / f"{name}.log")
    (rasa,) = groups["rasa"].process_configs
    args = shlex.split(rasa.command)
    assert args[:4] == ["/venv/python", "-m", "rasa_ext", "run"]
    assert args[args.index("--port") + 1] == "6005"
    assert args[args.index("--cors") + 1] == "http://localhost:6000"
    assert args[args.index("--credentials") + 1] == str(settings.run_dir / "credentials.yml")
    assert "--enable-api" not in args
    assert options.nodaemon and options.pidfile == str(settings.run_dir / "supervisord.pid")


def test_the_api_token_reaches_rasa_verbatim_and_the_file_is_private(settings):
    token = "to%ken with 'odd' chars"
    options = parse(settings, render(settings, programs(settings, {"RASA_API_TOKEN": token})))
    (rasa,) = next(g for g in options.process_group_configs if g.name == "rasa").process_configs
    args = shlex.split(rasa.command)
    assert args[args.index("--auth-token") + 1] == token and "--enable-api" in args
    assert (settings.run_dir / "supervisord.conf").stat().st_mode & 0o077 == 0


def test_only_the_action_server_for_the_shell(settings):
    selected = [p for p in programs(settings, {}) if p.name == "actions"]
    options = parse(settings, render(settings, selected))
    assert {g.name for g in options.process_group_configs} == {"actions", "restarts"}


def said(reporter: RestartReporter, event: str, **headers: str) -> Report:
    report = reporter.report(event, headers)
    assert report is not None, f"nothing said for {event} {headers}"
    return report


def test_one_line_per_crash_backoff_give_up_and_recovery(tmp_path):
    reporter = RestartReporter(tmp_path, retries=3)
    assert reporter.report("PROCESS_STATE_RUNNING", {"processname": "actions", "pid": "10"}) is None
    level, line = said(reporter, "PROCESS_STATE_EXITED", processname="actions", expected="0", pid="10")
    assert level == logging.ERROR
    assert "action server stopped unexpectedly (pid 10)" in line and "restarting it now" in line
    assert str(tmp_path / "actions.log") in line
    assert reporter.report("PROCESS_STATE_STARTING", {"processname": "actions", "tries": "0"}) is None
    level, line = said(reporter, "PROCESS_STATE_BACKOFF", processname="actions", tries="2")
    assert level == logging.WARNING and "attempt 2 of 3" in line and "again in 2 s" in line
    assert reporter.report("PROCESS_STATE_RUNNING", {"processname": "actions", "pid": "11"}) == (
        logging.INFO, "the action server is running again (pid 11)")
    assert reporter.report("PROCESS_STATE_RUNNING", {"processname": "actions", "pid": "11"}) is None
    # An expected exit (a stop) says nothing; giving up says what to do.
    assert reporter.report("PROCESS_STATE_EXITED", {"processname": "rasa", "expected": "1"}) is None
    assert reporter.report("PROCESS_STATE_BACKOFF", {"processname": "rasa", "tries": "4"}) is None
    level, line = said(reporter, "PROCESS_STATE_FATAL", processname="rasa")
    assert level == logging.ERROR and "gave up restarting the Rasa server after 3" in line
    # supervisord stopping while a server waits for its next try is no failure to report.
    said(reporter, "PROCESS_STATE_BACKOFF", processname="careers", tries="1")
    assert reporter.report("PROCESS_STATE_FATAL", {"processname": "careers"}) is None
    assert reporter.report("PROCESS_STATE_EXITED", {"processname": "restarts", "expected": "0"}) is None


def test_the_listener_speaks_supervisords_protocol(tmp_path, caplog):
    payload = "processname:careers groupname:careers from_state:RUNNING expected:0 pid:42"
    events = (f"ver:3.0 server:supervisor serial:1 pool:restarts poolserial:1 "
              f"eventname:PROCESS_STATE_EXITED len:{len(payload)}\n{payload}")
    stdout = io.StringIO()
    with caplog.at_level(logging.INFO, logger="supervisor"):
        listen(RestartReporter(tmp_path), io.StringIO(events), stdout)
    assert stdout.getvalue() == "READY\nRESULT 2\nOKREADY\n"
    assert [r.getMessage() for r in caplog.records] == [
        f"the careers site stopped unexpectedly (pid 42); restarting it now, the other servers "
        f"keep serving (log: {tmp_path / 'careers.log'})"]
