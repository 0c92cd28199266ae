"""`make run-scaled`: the bot as several processes on Rasa's own architecture, on one machine.

    nginx (public: RASA_PORT)  --/socket.io/ sticky--> Rasa replicas 1..RASA_REPLICAS
                               --REST, Slack: balanced-->      |  lock store: Redis
    nginx (loopback: ACTION_SERVER_PORT) <--------------------+  trackers: PostgreSQL
        --> action servers 1..ACTION_REPLICAS (knowledge base: PostgreSQL)
    careers site (CAREERS_SITE_PORT), its web chat talking to nginx

Everything runs under the same supervisord as `make run` (restarts, one log line per
crash, `make stop`), with the same environment variables. Redis, PostgreSQL and nginx are
Debian's packages (`make scaled-deps` installs them when missing and root), each a private
instance with its data in SCALED_DIR (var/scaled) on ports of its own, so nothing of this
machine's own services is touched.

Why these parts: Rasa runs several processes only with a lock store they share (with its
in-memory one it silently runs one Sanic worker), and its SQL/Redis clients are
synchronous, so it scales with processes; several replicas also need one tracker store.
socket.io keeps a session in the process that opened it, so nginx routes /socket.io/ by
a hash of the client (`client=` in the query, which the careers site's chat sends, else
its address), and pushes between replicas go through Redis (REDIS_URL, rasa_ext/).

    python -m service.scaled env        `export` lines: the URLs of the shared services
    python -m service.scaled prepare    set up PostgreSQL once, write nginx's and
                                        supervisord's configuration
    python -m service.scaled databases  create the databases (PostgreSQL running)
    python -m service.scaled ports      the ports it listens on
"""
from __future__ import annotations

import argparse
import glob
import os
import secrets
import shlex
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Dict, List, Mapping, Optional

from service import supervisord
from service.settings import LOOPBACK, ScaledSettings, ServiceSettings
from service.supervisord import Program

#: PostgreSQL's superuser in the private cluster; the bot connects as it.
DB_USER = "recruiting"
#: One database per concern, so `make kb` can rebuild one without touching another.
DATABASES: Dict[str, str] = {
    "TRACKER_STORE_URL": "recruiting_tracker",
    "KB_DATABASE_URL": "recruiting_kb",
    "CANDIDATES_DATABASE_URL": "recruiting_candidates",
}
#: The Debian users the services run as when we are root (PostgreSQL refuses root).
POSTGRES_USER = "postgres"
NGINX_USER = "www-data"
#: Redis databases: Rasa's conversation locks apart from the channels' shared state.
LOCK_STORE_DB = 0
SHARED_STATE_DB = 1


# -- where things are -----------------------------------------------------------------
def postgres_bin() -> Path:
    """Debian's PostgreSQL programs (the newest installed major version)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/postgres"),
                   key=lambda path: int(Path(path).parent.parent.name))
    if not found:
        raise RuntimeError("PostgreSQL is not installed: run `make scaled-deps` "
                           "(or apt-get install postgresql)")
    return Path(found[-1]).parent


def data_dir(scaled: ScaledSettings) -> Path:
    return scaled.state_dir / "postgres"


def socket_dir(scaled: ScaledSettings) -> Path:
    return scaled.state_dir / "postgres-socket"


def password_file(scaled: ScaledSettings) -> Path:
    return scaled.state_dir / "postgres.password"


def nginx_dir(scaled: ScaledSettings) -> Path:
    return scaled.state_dir / "nginx"


def password(scaled: ScaledSettings) -> str:
    """The database password, made once and kept readable by its owner only."""
    path = password_file(scaled)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(24) + "\n")
        path.chmod(0o600)
    return path.read_text().strip()


def database_url(scaled: ScaledSettings, database: str) -> str:
    return (f"postgresql://{DB_USER}:{password(scaled)}@{LOOPBACK}:{scaled.postgres_port}"
            f"/{database}")


def redis_url(scaled: ScaledSettings, db: int) -> str:
    return f"redis://{LOOPBACK}:{scaled.redis_port}/{db}"


def environment(scaled: ScaledSettings, settings: ServiceSettings) -> Dict[str, str]:
    """What every server of the scaled setup is started with, on top of `make run`'s."""
    env = {name: database_url(scaled, database) for name, database in DATABASES.items()}
    env.update(
        LOCK_STORE_URL=redis_url(scaled, LOCK_STORE_DB),
        REDIS_URL=redis_url(scaled, SHARED_STATE_DB),
        # Rasa calls the action servers through nginx, which balances them.
        ACTION_ENDPOINT_URL=settings.action_endpoint_url,
        # One Sanic worker per replica: replicas are the processes (supervised one by one).
        SANIC_WORKERS="1",
    )
    return env


# -- PostgreSQL -----------------------------------------------------------------------
def _as_service_user(command: List[str]) -> List[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", POSTGRES_USER, "--", *command]
    return command


def _give_to_service_user(path: Path, user: str) -> None:
    if os.geteuid() == 0:
        shutil.chown(path, user, user)


def init_postgres(scaled: ScaledSettings) -> bool:
    """Create the private cluster once (password authentication only); True if created."""
    data = data_dir(scaled)
    if (data / "PG_VERSION").exists():
        return False
    secret = password(scaled)
    scaled.state_dir.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0 and subprocess.run(
            _as_service_user(["test", "-x", str(scaled.state_dir)])).returncode != 0:
        raise RuntimeError(
            f"PostgreSQL runs as the user {POSTGRES_USER}, which cannot reach "
            f"{scaled.state_dir} (a folder above it is private): set SCALED_DIR to a folder "
            f"it can reach, e.g. /var/lib/recruiting-bot")
    for folder in (data, socket_dir(scaled)):
        folder.mkdir(parents=True, exist_ok=True)
        folder.chmod(0o700)
        _give_to_service_user(folder, POSTGRES_USER)
    # initdb reads the password from a file the service user can read; it is removed after.
    pwfile = socket_dir(scaled) / "initdb.password"
    pwfile.write_text(secret + "\n")
    pwfile.chmod(0o600)
    _give_to_service_user(pwfile, POSTGRES_USER)
    try:
        subprocess.run(_as_service_user([
            str(postgres_bin() / "initdb"), "--pgdata", str(data), "--username", DB_USER,
            f"--pwfile={pwfile}", "--auth=scram-sha-256", "--encoding=UTF8", "--locale=C.UTF-8"]),
            check=True, stdout=subprocess.DEVNULL)
    finally:
        pwfile.unlink(missing_ok=True)
    return True


def create_databases(scaled: ScaledSettings) -> List[str]:
    """Create the databases that do not exist yet; their names."""
    import psycopg2  # a dependency of Rasa; imported here so `env` stays light

    created = []
    try:
        connection = psycopg2.connect(host=LOOPBACK, port=scaled.postgres_port, user=DB_USER,
                                      password=password(scaled), dbname="postgres")
    except psycopg2.Error as exc:
        raise RuntimeError(f"cannot reach PostgreSQL on port {scaled.postgres_port}: "
                           f"{str(exc).strip()}") from None
    try:
        connection.autocommit = True  # CREATE DATABASE cannot run in a transaction
        with connection.cursor() as cursor:
            for database in DATABASES.values():
                cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", (database,))
                if cursor.fetchone() is None:
                    cursor.execute(f'CREATE DATABASE "{database}"')
                    created.append(database)
    finally:
        connection.close()
    return created


# -- nginx ----------------------------------------------------------------------------
def nginx_conf(settings: ServiceSettings, scaled: ScaledSettings) -> str:
    """One public port for the Rasa replicas, one loopback port for the action servers."""
    temp = nginx_dir(scaled)
    rasa = "\n".join(f"        server {LOOPBACK}:{port} max_fails=1 fail_timeout=2s;"
                     for port in scaled.rasa_replica_ports)
    # One upstream per replica, for the socket.io requests of a session it opened.
    each = "\n".join(f"    upstream rasa_{number} {{ server {LOOPBACK}:{port}; }}"
                     for number, port in enumerate(scaled.rasa_replica_ports, 1))
    owners = "\n".join(f"        ~^r{number}- rasa_{number};"
                       for number in range(1, scaled.rasa_replicas + 1))
    actions = "\n".join(f"        server {LOOPBACK}:{port} max_fails=1 fail_timeout=2s;"
                        for port in scaled.action_replica_ports)
    user = f"user {NGINX_USER};\n" if os.geteuid() == 0 else ""
    return f"""# Generated by `python -m service.scaled prepare`; do not edit or commit.
{user}worker_processes 1;
pid {temp / 'nginx.pid'};
error_log stderr warn;
events {{ worker_connections 4096; }}

http {{
    access_log off;
    client_body_temp_path {temp / 'client_body'};
    proxy_temp_path {temp / 'proxy'};
    fastcgi_temp_path {temp / 'fastcgi'};
    uwsgi_temp_path {temp / 'uwsgi'};
    scgi_temp_path {temp / 'scgi'};
    client_max_body_size 1m;
    # Rasa sends the action servers the whole conversation: keep bodies and replies of
    # that size in memory rather than in temporary files.
    client_body_buffer_size 1m;
    proxy_buffer_size 64k;
    proxy_buffers 16 64k;

    map $http_upgrade $connection_upgrade {{ default upgrade; '' close; }}
    # A socket.io session lives in the replica that opened it. Each replica starts its
    # session ids with "r<replica>-" (rasa_ext/socketio.py), so a request of a session goes
    # to the replica that has it, also after a replica was down and came back (a hash
    # would move the sessions that failed over back to it, where they do not exist). The
    # handshake (no sid yet) is spread by the web chat's random `client=` id, else by
    # address.
    map $arg_sid $socketio_upstream {{
        default rasa_sticky;
{owners}
    }}
    map $arg_client $socketio_client {{ '' $remote_addr; default $arg_client; }}

{each}
    upstream rasa_sticky {{
        hash $socketio_client consistent;
{rasa}
    }}
    # No kept-alive connections to the servers: a request sent on one that a killed
    # server left behind fails as "already sent" and is never retried (a POST), while a new
    # connection to a dead server is refused and goes to the next one. On loopback a new
    # connection costs well under a millisecond.
    upstream rasa {{
        least_conn;
{rasa}
    }}
    upstream actions {{
        least_conn;
{actions}
    }}

    server {{
        listen {settings.rasa_host}:{settings.rasa_port};
        proxy_http_version 1.1;
        proxy_set_header Host $host;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto $scheme;
        proxy_read_timeout 120s;

        location /socket.io/ {{
            proxy_pass http://$socketio_upstream;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_buffering off;
            proxy_read_timeout 3600s;
        }}
        location / {{
            proxy_pass http://rasa;
            # A replica that refuses the connection (down, restarting) is skipped; a
            # request it already received is never sent twice.
            proxy_next_upstream error timeout http_502;
        }}
    }}

    server {{
        listen {settings.action_server_host}:{settings.action_server_port};
        proxy_read_timeout 60s;
        location / {{
            proxy_pass http://actions;
            proxy_next_upstream error timeout http_502;
        }}
    }}
}}
"""


def write_nginx_conf(settings: ServiceSettings, scaled: ScaledSettings) -> Path:
    folder = nginx_dir(scaled)
    for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (folder / name).mkdir(parents=True, exist_ok=True)
        _give_to_service_user(folder / name, NGINX_USER)
    path = folder / "nginx.conf"
    path.write_text(nginx_conf(settings, scaled))
    return path


# -- the supervised programs ----------------------------------------------------------
def programs(settings: ServiceSettings, scaled: ScaledSettings, env: Mapping[str, str],
             python: str = sys.executable) -> List[Program]:
    """Redis, PostgreSQL, the replicas, nginx and the careers site.

    Redis and PostgreSQL start with supervisord; the rest once the databases exist and
    the knowledge base is loaded (scripts/serve.sh, `supervisorctl start`).
    """
    redis = Program("redis", ["redis-server", "--bind", LOOPBACK, "--port", str(scaled.redis_port),
                              "--save", "", "--appendonly", "no", "--dir", str(scaled.state_dir),
                              "--loglevel", "warning"], start_seconds=2, priority=100)
    postgres = Program("postgres", [
        str(postgres_bin() / "postgres"), "-D", str(data_dir(scaled)),
        "-p", str(scaled.postgres_port), "-c", f"listen_addresses={LOOPBACK}",
        "-c", f"unix_socket_directories={socket_dir(scaled)}", "-c", "max_connections=200"],
        start_seconds=3, user=POSTGRES_USER, priority=100,
        # SIGTERM waits for every client to disconnect; SIGINT rolls them back and stops.
        stop_signal="INT")
    one = {program.name: program for program in supervisord.programs(settings, env, python)}
    later: List[Program] = []
    for number, port in enumerate(scaled.action_replica_ports, 1):
        replica = supervisord.programs(replace(settings, action_server_port=port), env, python)[0]
        later.append(replace(replica, name=f"actions-{number}", autostart=False))
    for number, port in enumerate(scaled.rasa_replica_ports, 1):
        replica = supervisord.programs(replace(settings, rasa_host=LOOPBACK, rasa_port=port),
                                       env, python)[1]
        later.append(replace(replica, name=f"rasa-{number}", autostart=False,
                             environment=(("RASA_REPLICA_ID", str(number)),)))
    nginx = Program("nginx", ["nginx", "-c", str(nginx_dir(scaled) / "nginx.conf"),
                              "-g", "daemon off;"], start_seconds=2, autostart=False,
                    # QUIT: finish the requests in flight, then stop.
                    stop_signal="QUIT")
    careers = replace(one["careers"], autostart=False)
    return [redis, postgres, *later, nginx, careers]


def ports(settings: ServiceSettings, scaled: ScaledSettings) -> List[int]:
    """Every port the scaled setup listens on (all must be free before it starts)."""
    return [settings.rasa_port, settings.action_server_port, settings.careers_site_port,
            scaled.redis_port, scaled.postgres_port, *scaled.rasa_replica_ports,
            *scaled.action_replica_ports]


def prepare(settings: ServiceSettings, scaled: ScaledSettings, conf: Path) -> None:
    scaled.state_dir.mkdir(parents=True, exist_ok=True)
    if init_postgres(scaled):
        print(f"Created a PostgreSQL cluster in {data_dir(scaled)}")
    write_nginx_conf(settings, scaled)
    supervisord.write_conf(conf, supervisord.render(
        settings, programs(settings, scaled, os.environ)))


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m service.scaled",
                                     description="the scaled setup of the recruiting bot")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("env", help="print export lines for the shared services")
    prep = commands.add_parser("prepare", help="set up PostgreSQL, write configurations")
    prep.add_argument("conf", type=Path, help="the supervisord configuration to write")
    commands.add_parser("databases", help="create the databases")
    commands.add_parser("ports", help="print the ports the scaled setup listens on")
    args = parser.parse_args(argv)
    try:
        settings = ServiceSettings.from_env()
        scaled = ScaledSettings.from_env()
        if args.command == "env":
            for name, value in environment(scaled, settings).items():
                print(f"export {name}={shlex.quote(value)}")
        elif args.command == "prepare":
            prepare(settings, scaled, args.conf)
        elif args.command == "ports":
            print(" ".join(str(port) for port in ports(settings, scaled)))
        else:
            for database in create_databases(scaled):
                print(f"Created the PostgreSQL database {database}")
    except (ValueError, RuntimeError, subprocess.CalledProcessError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
