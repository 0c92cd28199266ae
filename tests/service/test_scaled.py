"""The scaled setup's pieces without starting it (tests/e2e/test_scaled.py starts it): its
settings, the nginx configuration (checked by the real nginx), the lock store Rasa is
given, and what an operator reads when a replica crashes."""
from __future__ import annotations

import asyncio
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator, List

import pytest
import yaml

from harness.redis_server import RedisServer, running_redis
from rasa_ext import endpoints
from rasa_ext.lock_store import RedisLockStore
from service import scaled
from service.restarts import RestartReporter
from service.settings import ScaledSettings, ServiceSettings
from service.supervisord import render, title_of
from tests.conftest import ROOT


def test_defaults_and_replica_ports():
    settings = ScaledSettings.from_env({})
    assert (settings.rasa_replicas, settings.action_replicas) == (2, 2)
    assert settings.rasa_replica_ports == [5101, 5102]
    assert settings.action_replica_ports == [5151, 5152]
    three = ScaledSettings.from_env({"RASA_REPLICAS": "3", "RASA_REPLICA_PORT_BASE": "7000"})
    assert three.rasa_replica_ports == [7001, 7002, 7003]


@pytest.mark.parametrize("value", ["0", "two", "-1", "100"])
def test_a_bad_replica_count_names_the_variable(value: str):
    with pytest.raises(ValueError, match="RASA_REPLICAS"):
        ScaledSettings.from_env({"RASA_REPLICAS": value})


def test_every_port_is_listed_for_the_free_port_check():
    settings, replicas = ServiceSettings.from_env({}), ScaledSettings.from_env({"RASA_REPLICAS": "3"})
    ports = scaled.ports(settings, replicas)
    assert len(ports) == len(set(ports)) == 3 + 2 + 3 + 2


def nginx_conf(tmp_path: Path, replicas: int = 2) -> str:
    settings = ScaledSettings.from_env({"RASA_REPLICAS": str(replicas), "SCALED_DIR": str(tmp_path)})
    return scaled.nginx_conf(ServiceSettings.from_env({}), settings)


def upstream(conf: str, name: str) -> List[str]:
    block = conf.split(f"upstream {name} {{", 1)[1].split("}", 1)[0]
    return [line.strip() for line in block.splitlines() if line.strip()]


def test_socketio_is_sticky_and_the_rest_balanced_over_every_replica(tmp_path: Path):
    conf = nginx_conf(tmp_path, replicas=3)
    sticky, balanced = upstream(conf, "rasa_sticky"), upstream(conf, "rasa")
    assert sticky[0] == "hash $socketio_client consistent;"
    assert balanced[0] == "least_conn;"
    servers = [line for line in sticky if line.startswith("server ")]
    assert servers == [line for line in balanced if line.startswith("server ")]
    assert [s.split()[1] for s in servers] == [f"127.0.0.1:{p}" for p in (5101, 5102, 5103)]
    # A session's requests go to the replica whose id starts its session id.
    assert "location /socket.io/ {\n            proxy_pass http://$socketio_upstream;" in conf
    owners = conf.split("map $arg_sid $socketio_upstream {", 1)[1].split("}", 1)[0]
    assert [line.strip() for line in owners.strip().splitlines()] == [
        "default rasa_sticky;", "~^r1- rasa_1;", "~^r2- rasa_2;", "~^r3- rasa_3;"]
    for number, port in enumerate((5101, 5102, 5103), 1):
        assert f"upstream rasa_{number} {{ server 127.0.0.1:{port}; }}" in conf
    # The web chat's id when it sends one, else the client's address.
    assert "map $arg_client $socketio_client { '' $remote_addr; default $arg_client; }" in conf
    # A refused connection goes to the next replica (a killed one is skipped).
    assert conf.count("proxy_next_upstream error timeout http_502;") == 2


@pytest.mark.skipif(not shutil.which("nginx") and not Path("/usr/sbin/nginx").exists(),
                    reason="nginx is missing: `make scaled-deps` installs it")
def test_nginx_accepts_the_generated_configuration(tmp_path: Path):
    settings = ScaledSettings.from_env({"SCALED_DIR": str(tmp_path)})
    path = scaled.write_nginx_conf(ServiceSettings.from_env({}), settings)
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    done = subprocess.run([nginx, "-t", "-c", str(path), "-e", "stderr"], capture_output=True,
                          text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    assert "syntax is ok" in done.stderr


def test_programs_start_the_databases_first_and_the_servers_later(tmp_path: Path):
    if not list(Path("/usr/lib/postgresql").glob("*/bin/postgres")):
        pytest.skip("PostgreSQL is missing: `make scaled-deps` installs it")
    settings = ScaledSettings.from_env({"SCALED_DIR": str(tmp_path), "ACTION_REPLICAS": "3"})
    programs = scaled.programs(ServiceSettings.from_env({}), settings, {})
    names = [program.name for program in programs]
    assert names == ["redis", "postgres", "actions-1", "actions-2", "actions-3", "rasa-1",
                     "rasa-2", "nginx", "careers"]
    assert [p.name for p in programs if p.autostart] == ["redis", "postgres"]
    rasa_2 = programs[names.index("rasa-2")]
    assert rasa_2.command[rasa_2.command.index("--port") + 1] == "5102"
    assert rasa_2.environment == (("RASA_REPLICA_ID", "2"),)
    conf = render(ServiceSettings.from_env({}), programs)
    assert "[program:rasa-2]" in conf and "priority=100" in conf
    assert 'environment=RASA_REPLICA_ID="2"' in conf.split("[program:rasa-2]")[1].split("[program:")[0]
    postgres = conf.split("[program:postgres]")[1].split("[program:")[0]
    assert "stopsignal=INT" in postgres  # SIGTERM would wait for every client to leave


def test_a_crashed_replica_is_named_in_the_one_log_line(tmp_path: Path):
    assert title_of("rasa-2") == "Rasa server replica 2"
    assert title_of("actions-1") == "action server replica 1"
    assert title_of("restarts") is None
    level, line = RestartReporter(tmp_path).report(
        "PROCESS_STATE_EXITED", {"processname": "rasa-2", "pid": "42", "expected": "0"}) or (0, "")
    assert "the Rasa server replica 2 stopped unexpectedly (pid 42)" in line
    assert str(tmp_path / "rasa-2.log") in line


def test_the_lock_store_is_redis_when_asked(tmp_path: Path):
    built = endpoints.build({"LOCK_STORE_URL": "redis://:s3cret@cache.internal:6380/2"})
    assert built["lock_store"] == {"type": endpoints.LOCK_STORE_TYPE, "url": "cache.internal",
                                   "port": 6380, "db": 2, "key_prefix": "recruiting",
                                   "password": "s3cret"}
    assert "lock_store" not in endpoints.build({})


@pytest.mark.parametrize("url", ["http://cache:6379", "redis://", "redis://cache/zero"])
def test_a_bad_lock_store_url_is_refused_with_its_variable(url: str, tmp_path: Path):
    out = tmp_path / "endpoints.yml"
    done = subprocess.run([sys.executable, "-m", "rasa_ext.endpoints", str(out)], cwd=ROOT,
                          env={"LOCK_STORE_URL": url, "PATH": "/usr/bin:/bin",
                               "PYTHONPATH": str(ROOT)},
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "LOCK_STORE_URL" in done.stderr and "Traceback" not in done.stderr
    assert not out.exists()


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory) -> Iterator[RedisServer]:
    with running_redis(tmp_path_factory.mktemp("redis")) as server:
        yield server


def test_a_waiting_message_gets_the_lock_soon_after_it_is_free(redis_server: RedisServer):
    """Rasa's own store checks once a second: the second message of a quick candidate
    waited up to a second with the server idle."""
    store = RedisLockStore(host="127.0.0.1", port=redis_server.port, db=0, key_prefix="test")

    async def conversation() -> float:
        released = 0.0

        async def first() -> None:
            nonlocal released
            async with store.lock("candidate-1"):
                await asyncio.sleep(0.3)
                released = time.monotonic()

        async def second() -> float:
            await asyncio.sleep(0.05)
            async with store.lock("candidate-1"):
                return time.monotonic() - released

        _, waited = await asyncio.gather(first(), second())
        return waited

    waited = asyncio.run(conversation())
    assert 0 <= waited < 0.2, f"the second message waited {waited:.2f} s after the lock was free"


def test_rasa_builds_our_lock_store_from_the_generated_endpoints(redis_server: RedisServer,
                                                                 tmp_path: Path):
    from rasa.core.lock_store import LockStore
    from rasa.utils.endpoints import read_endpoint_config

    path = tmp_path / "endpoints.yml"
    path.write_text(yaml.safe_dump(endpoints.build(
        {"LOCK_STORE_URL": f"redis://127.0.0.1:{redis_server.port}/3"})))
    store = LockStore.create(read_endpoint_config(str(path), "lock_store"))
    assert isinstance(store, RedisLockStore)
    assert store.key_prefix.startswith("recruiting")


def test_a_replica_names_itself_in_its_socketio_session_ids(monkeypatch):
    from rasa_ext.socketio import SocketIOInput

    async def ignore(message) -> None:  # type: ignore[no-untyped-def]
        return None

    monkeypatch.setenv("RASA_REPLICA_ID", "2")
    channel = SocketIOInput.from_credentials({})
    channel.blueprint(ignore)
    ids = {channel.sio.eio.generate_id() for _ in range(20)}
    assert len(ids) == 20 and all(sid.startswith("r2-") for sid in ids)
    monkeypatch.delenv("RASA_REPLICA_ID")
    plain = SocketIOInput.from_credentials({})
    plain.blueprint(ignore)
    # One process: Rasa's own random ids.
    assert not any(re.match(r"r\d+-", plain.sio.eio.generate_id()) for _ in range(20))
