"""The deployment files (Dockerfile, docker-compose.yml, deploy/nginx/compose.conf,
deploy/k8s/) stay true to the code: they parse, every environment variable they hand the
bot's servers is one the code reads, the ports and health paths are the servers' own, the
Rasa server is started as `make run` starts it, and nginx keeps a socket.io client on one
Rasa replica. No Docker daemon or cluster is needed (docs/deploy.md)."""
from __future__ import annotations

import fnmatch
import importlib.util
import re
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Set, Tuple
from urllib.parse import urlsplit

import pytest
import yaml

from rasa_ext import endpoints
from service import supervisord
from service.settings import (DEFAULT_ACTION_SERVER_PORT, DEFAULT_CAREERS_SITE_PORT,
                              DEFAULT_RASA_PORT, ServiceSettings)

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
COMPOSE = ROOT / "docker-compose.yml"
NGINX_CONF = ROOT / "deploy" / "nginx" / "compose.conf"
K8S = ROOT / "deploy" / "k8s"
OUR_IMAGE = "recruiting-bot"

#: Each server of the bot: its port (service/settings.py) and the path its health check
#: must use (a route the server really has: see test_health_paths_are_real_routes).
PORTS = {"rasa": DEFAULT_RASA_PORT, "actions": DEFAULT_ACTION_SERVER_PORT,
         "careers": DEFAULT_CAREERS_SITE_PORT}
HEALTH_PATHS = {"rasa": "/", "actions": "/health", "careers": "/healthz"}

#: Where the project reads environment variables (as string literals: a name in a tuple,
#: a dict or an `env.get(...)` alike), plus config.yml's ${...} and the Makefile's exports.
CODE_GLOBS = ("service/*.py", "bot/*.py", "rasa_ext/*.py", "actions/*.py", "careers/*.py")
#: Read by a dependency, not by our code: the name and the file of the package that reads it.
THIRD_PARTY = {"SANIC_WORKERS": ("rasa", "constants.py")}
#: The process's own: Python, pip, the shell.
STANDARD = {"PATH", "HOME", "PYTHONPATH", "PYTHONUNBUFFERED", "VIRTUAL_ENV", "PIP_NO_CACHE_DIR"}
#: Interpolated by docker compose itself (into the database URLs and postgres's own env).
COMPOSE_ONLY = {"POSTGRES_PASSWORD"}


# -- reading the files ------------------------------------------------------------------
def compose() -> Dict[str, Any]:
    return yaml.safe_load(COMPOSE.read_text())


def k8s_files() -> List[Path]:
    return sorted(K8S.glob("*.yaml"))


def k8s_docs() -> List[Dict[str, Any]]:
    """The resources of deploy/k8s/ (kustomization.yaml is not one)."""
    return [doc for path in k8s_files() if path.name != "kustomization.yaml"
            for doc in yaml.safe_load_all(path.read_text()) if doc]


def without_interpolation(value: str) -> str:
    """A compose value with each ${...} replaced by its default, or by `x`."""
    return re.sub(r"\$\{[A-Za-z_][A-Za-z0-9_]*(?::?-([^}]*)|:?\?[^}]*)?\}",
                  lambda m: m.group(1) if m.group(1) is not None else "x", value)


def server_of(command: List[str]) -> Optional[str]:
    """Which server of the bot a command starts (None: another program)."""
    text = " ".join(command)
    if "-m rasa_ext run" in text:
        return "rasa"
    for module in ("actions", "careers"):
        if re.search(rf"-m {module}(\s|$)", text):
            return module
    if "-m bot kb load" in text:
        return "kb-load"
    return None


def our_compose_services() -> Dict[str, Dict[str, Any]]:
    return {name: service for name, service in compose()["services"].items()
            if str(service.get("image", "")).split(":")[0] == OUR_IMAGE}


def pod_specs() -> Iterator[Tuple[str, Dict[str, Any]]]:
    for doc in k8s_docs():
        template = (doc.get("spec") or {}).get("template")
        if template:
            yield doc["metadata"]["name"], template["spec"]


def our_k8s_containers() -> Iterator[Tuple[str, Dict[str, Any]]]:
    for name, spec in pod_specs():
        for container in [*spec.get("initContainers", []), *spec["containers"]]:
            if container["image"].split(":")[0] == OUR_IMAGE:
                yield name, container


def k8s_command(container: Dict[str, Any]) -> List[str]:
    return [*container.get("command", []), *container.get("args", [])]


def by_kind(kind: str) -> Dict[str, Dict[str, Any]]:
    return {doc["metadata"]["name"]: doc for doc in k8s_docs() if doc["kind"] == kind}


def dockerfile_env() -> Dict[str, str]:
    """Every ENV NAME=value of the Dockerfile (continuation lines joined)."""
    text = DOCKERFILE.read_text().replace("\\\n", " ")
    found: Dict[str, str] = {}
    for line in text.splitlines():
        if line.startswith("ENV "):
            found.update(re.findall(r"([A-Za-z_][A-Za-z0-9_]*)=(\S+)", line))
    return found


def names_in_code() -> Set[str]:
    names: Set[str] = set()
    for pattern in CODE_GLOBS:
        for path in ROOT.glob(pattern):
            names |= set(re.findall(r"[\"']([A-Z][A-Z0-9_]{2,})[\"']", path.read_text()))
    names |= set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)\}", (ROOT / "config.yml").read_text()))
    names |= set(re.findall(r"^export ([A-Z][A-Z0-9_]*)", (ROOT / "Makefile").read_text(), re.M))
    return names


def package_file(package: str, name: str) -> Path:
    spec = importlib.util.find_spec(package)  # finds it without importing it
    assert spec is not None and spec.submodule_search_locations, f"{package} is not installed"
    return Path(list(spec.submodule_search_locations)[0]) / name


def known_names() -> Set[str]:
    names = names_in_code() | STANDARD
    for name, (package, filename) in THIRD_PARTY.items():
        assert f'"{name}"' in package_file(package, filename).read_text(), \
            f"{package} no longer reads {name}"
        names.add(name)
    return names


def shell_names(script: str) -> Set[str]:
    return set(re.findall(r"\$\{?([A-Z][A-Z0-9_]+)", script))


def compose_env_names() -> Dict[str, Set[str]]:
    return {name: set(service.get("environment") or {})
            for name, service in our_compose_services().items()}


def k8s_env_names() -> Dict[str, Set[str]]:
    """Per workload: what its containers of our image get (env, and envFrom's keys)."""
    maps = by_kind("ConfigMap")
    secrets = {doc["metadata"]["name"]: doc for doc in
               yaml.safe_load_all((K8S / "secret-template.yaml").read_text()) if doc}
    names: Dict[str, Set[str]] = {}
    for workload, container in our_k8s_containers():
        found = names.setdefault(workload, set())
        found |= {entry["name"] for entry in container.get("env", [])}
        for source in container.get("envFrom", []):
            if "configMapRef" in source:
                found |= set(maps[source["configMapRef"]["name"]]["data"])
            if "secretRef" in source:
                found |= set(secrets[source["secretRef"]["name"]]["stringData"])
    return names


def parse_options(argv: List[str]) -> Dict[str, Optional[str]]:
    options: Dict[str, Optional[str]] = {}
    i = 0
    while i < len(argv):
        assert argv[i].startswith("--"), f"unexpected argument {argv[i]!r} in {argv}"
        if i + 1 < len(argv) and not argv[i + 1].startswith("--"):
            options[argv[i]] = argv[i + 1]
            i += 2
        else:
            options[argv[i]] = None
            i += 1
    return options


# -- they parse -------------------------------------------------------------------------
def test_every_file_parses_and_has_what_it_should():
    services = compose()["services"]
    assert {"redis", "postgres", "kb-load", "actions", "rasa", "nginx", "careers"} <= set(services)
    assert int(services["rasa"]["deploy"]["replicas"].strip("${}").split(":-")[-1]) == 2
    assert int(services["actions"]["deploy"]["replicas"].strip("${}").split(":-")[-1]) == 2
    kinds = {(doc["kind"], doc["metadata"]["name"]) for doc in k8s_docs()}
    for expected in [("Deployment", "rasa"), ("Deployment", "actions"), ("Deployment", "careers"),
                     ("Service", "rasa"), ("Service", "actions"), ("Service", "careers"),
                     ("Job", "kb-load"), ("ConfigMap", "recruiting-bot-config"),
                     ("Secret", "recruiting-bot-secrets"), ("Ingress", "recruiting-bot-socketio")]:
        assert expected in kinds, f"deploy/k8s/ has no {expected[0]} {expected[1]}"
    assert by_kind("Deployment")["rasa"]["spec"]["replicas"] == 2
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    listed = set(kustomization["resources"])
    assert listed == {p.name for p in k8s_files()} - {"kustomization.yaml", "secret-template.yaml"}, \
        "every manifest but the secret template belongs in kustomization.yaml"


# -- environment variables --------------------------------------------------------------
def test_every_variable_handed_to_the_bot_is_one_the_code_reads():
    known = known_names()
    handed = {f"docker-compose.yml {service}": names for service, names in compose_env_names().items()}
    handed.update({f"deploy/k8s {workload}": names for workload, names in k8s_env_names().items()})
    handed["Dockerfile ENV"] = set(dockerfile_env())
    scripts = {name: " ".join(service["command"]) for name, service in our_compose_services().items()
               if isinstance(service.get("command"), list)}
    scripts.update({f"k8s {w}": " ".join(k8s_command(c)) for w, c in our_k8s_containers()})
    for where, script in scripts.items():
        handed[f"{where} command"] = shell_names(script)
    unknown = {where: sorted(names - known) for where, names in handed.items() if names - known}
    assert not unknown, f"variables no code reads (a typo?): {unknown}"
    # The check itself: a misspelt name is not "known".
    assert "KB_DATABSE_URL" not in known and "KB_DATABASE_URL" in known


def test_compose_interpolates_only_known_names_each_into_its_own_variable():
    known = known_names() | COMPOSE_ONLY
    text = COMPOSE.read_text()
    interpolated = set(re.findall(r"(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)", text))
    assert interpolated - known == set(), f"compose interpolates unknown names: {interpolated - known}"
    for name, service in our_compose_services().items():
        for key, value in (service.get("environment") or {}).items():
            whole = re.fullmatch(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(:?[-?].*)?\}", str(value))
            if whole:
                assert whole.group(1) == key, f"{name}: {key} is set from ${{{whole.group(1)}}}"


def test_secrets_come_from_the_environment_only():
    secret = re.compile(r"TOKEN|SECRET|PASSWORD|_URL$")
    for name, service in our_compose_services().items():
        for key, value in (service.get("environment") or {}).items():
            if re.search(r"TOKEN|SECRET", key):
                assert value == f"${{{key}:-}}", f"{name}: {key} must come from the environment"
            if key.endswith("DATABASE_URL") or key == "TRACKER_STORE_URL":
                assert "${POSTGRES_PASSWORD:?}" in value, f"{name}: {key} holds a literal password"
    assert not [name for name in dockerfile_env() if secret.search(name) and "URL" not in name]
    assert not re.search(r"^\s*(ARG|ENV)\s+\S*(TOKEN|SECRET|PASSWORD)", DOCKERFILE.read_text(), re.M)
    for doc in yaml.safe_load_all((K8S / "secret-template.yaml").read_text()):
        for key, value in doc["stringData"].items():
            password = urlsplit(value).password if "://" in value else None
            assert value in ("", "REPLACE_ME") or password == "REPLACE_ME", \
                f"secret-template.yaml: {key} holds something other than a placeholder"
    # Values of our containers' env come from the ConfigMap or Secrets, never a literal secret.
    for workload, container in our_k8s_containers():
        for entry in container.get("env", []):
            if secret.search(entry["name"]) and entry["name"] != "ACTION_ENDPOINT_URL":
                assert "secretKeyRef" in entry.get("valueFrom", {}), f"{workload}: {entry['name']}"


def test_k8s_references_exist():
    secrets = {doc["metadata"]["name"]: set(doc["stringData"]) for doc in
               yaml.safe_load_all((K8S / "secret-template.yaml").read_text()) if doc}
    maps = by_kind("ConfigMap")
    for _, spec in pod_specs():
        for container in [*spec.get("initContainers", []), *spec["containers"]]:
            for entry in container.get("env", []):
                ref = entry.get("valueFrom", {}).get("secretKeyRef")
                if ref:
                    assert ref["key"] in secrets[ref["name"]], f"no {ref['key']} in Secret {ref['name']}"
            for source in container.get("envFrom", []):
                if "configMapRef" in source:
                    assert source["configMapRef"]["name"] in maps


def test_databases_and_redis_dbs_are_those_of_the_scaled_setup():
    from service import scaled

    urls: List[Tuple[str, str, str]] = []
    for name, service in our_compose_services().items():
        urls += [(f"compose {name}", k, without_interpolation(str(v)))
                 for k, v in (service.get("environment") or {}).items()]
    for doc in yaml.safe_load_all((K8S / "secret-template.yaml").read_text()):
        urls += [("secret-template.yaml", k, v) for k, v in doc["stringData"].items()]
    urls += [("configmap.yaml", k, v) for k, v in by_kind("ConfigMap")["recruiting-bot-config"]["data"].items()]
    seen = set()
    for where, key, value in urls:
        if key in scaled.DATABASES:
            assert urlsplit(value).path == f"/{scaled.DATABASES[key]}", f"{where}: {key}={value}"
            seen.add(key)
        if key == "LOCK_STORE_URL":
            assert urlsplit(value).path == f"/{scaled.LOCK_STORE_DB}", f"{where}: {key}={value}"
        if key == "REDIS_URL":
            assert urlsplit(value).path == f"/{scaled.SHARED_STATE_DB}", f"{where}: {key}={value}"
    assert seen == set(scaled.DATABASES)
    # PostgreSQL creates every one: POSTGRES_DB plus the init script (compose and k8s).
    compose_sql = compose()["configs"]["postgres-databases"]["content"]
    k8s_sql = by_kind("ConfigMap")["postgres-init"]["data"]["10-databases.sql"]
    compose_db = compose()["services"]["postgres"]["environment"]["POSTGRES_DB"]
    k8s_db = {e["name"]: e.get("value") for e in
              by_kind("StatefulSet")["postgres"]["spec"]["template"]["spec"]["containers"][0]["env"]}
    for sql, first in ((compose_sql, compose_db), (k8s_sql, k8s_db["POSTGRES_DB"])):
        created = set(re.findall(r"CREATE DATABASE (\w+)", sql)) | {first}
        assert created == set(scaled.DATABASES.values())


# -- ports and health checks ------------------------------------------------------------
def test_health_paths_are_real_routes():
    assert 'add_get("/healthz"' in (ROOT / "careers" / "app.py").read_text()
    assert '@app.get("/health")' in package_file("rasa_sdk", "endpoint.py").read_text()
    assert '@app.post("/webhook")' in package_file("rasa_sdk", "endpoint.py").read_text()
    assert '@app.get("/")' in package_file("rasa", "server.py").read_text()


def test_compose_ports_and_health_checks_match_the_servers():
    services = compose()["services"]
    for name, service in our_compose_services().items():
        server = server_of(service["command"])
        assert server, f"compose service {name} starts no known server"
        if server == "kb-load":
            continue
        check = " ".join(service["healthcheck"]["test"])
        assert f"http://127.0.0.1:{PORTS[server]}{HEALTH_PATHS[server]}'" in check, name
        for mapping in service.get("ports", []):
            assert str(mapping).split(":")[-1] == str(PORTS[server]), f"{name} publishes {mapping}"
    assert [str(p).split(":")[-1] for p in services["careers"]["ports"]] == [str(DEFAULT_CAREERS_SITE_PORT)]
    # nginx is the public side of the Rasa replicas, on the Rasa port.
    assert [str(p).split(":")[-1] for p in services["nginx"]["ports"]] == [str(DEFAULT_RASA_PORT)]
    assert f"http://127.0.0.1:{DEFAULT_RASA_PORT}/" in " ".join(services["nginx"]["healthcheck"]["test"])
    # Rasa reaches the action servers through nginx's action port, at rasa_sdk's /webhook.
    action_url = urlsplit(services["rasa"]["environment"]["ACTION_ENDPOINT_URL"])
    assert (action_url.hostname, action_url.path) == ("nginx", "/webhook")
    assert action_url.port in nginx_listen_ports()
    mounts = services["nginx"]["volumes"]
    assert any(m.split(":")[0] == "./deploy/nginx/compose.conf" for m in mounts)


def test_compose_builds_the_image_once_for_every_service_of_the_bot():
    ours = our_compose_services()
    assert set(ours) == {"kb-load", "actions", "rasa", "careers"}
    assert len({service["image"] for service in ours.values()}) == 1
    builders = [name for name, service in ours.items() if "build" in service]
    assert len(builders) == 1, f"one service builds the image, not {builders}"
    assert ours[builders[0]]["build"] in (".", {"context": "."})


def test_compose_dependencies_and_start_order():
    services = compose()["services"]
    for name, service in services.items():
        for dep in service.get("depends_on", {}):
            assert dep in services, f"{name} depends on unknown {dep}"
    assert services["actions"]["depends_on"]["kb-load"]["condition"] == "service_completed_successfully"
    assert services["careers"]["depends_on"]["kb-load"]["condition"] == "service_completed_successfully"
    assert services["kb-load"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert services["kb-load"]["restart"] == "no"
    for needed in ("redis", "postgres"):
        assert services["rasa"]["depends_on"][needed]["condition"] == "service_healthy"
    for name, service in services.items():
        if name != "kb-load":
            assert "healthcheck" in service, f"{name} has no health check"


def test_k8s_ports_probes_and_services_match_the_servers():
    services = by_kind("Service")
    seen = set()
    for workload, container in our_k8s_containers():
        server = server_of(k8s_command(container))
        if container["name"] == "wait-for-knowledge-base" or server == "kb-load":
            continue
        assert server, f"{workload}/{container['name']} starts no known server"
        seen.add(server)
        ports = {p.get("name"): p["containerPort"] for p in container["ports"]}
        assert list(ports.values()) == [PORTS[server]], f"{workload}: {ports}"
        for probe in ("readinessProbe", "livenessProbe"):
            get = container[probe]["httpGet"]
            assert get["path"] == HEALTH_PATHS[server], f"{workload} {probe}"
            assert ports.get(get["port"], get["port"]) == PORTS[server], f"{workload} {probe}"
        service = services[server]
        assert [p["port"] for p in service["spec"]["ports"]] == [PORTS[server]]
        assert all(ports.get(p["targetPort"], p["targetPort"]) == PORTS[server]
                   for p in service["spec"]["ports"])
    assert seen == set(PORTS)
    action_url = urlsplit(by_kind("ConfigMap")["recruiting-bot-config"]["data"]["ACTION_ENDPOINT_URL"])
    assert (action_url.hostname, action_url.port, action_url.path) == \
        ("actions", DEFAULT_ACTION_SERVER_PORT, "/webhook")


def test_k8s_ingress_routes_to_real_services_with_sticky_socketio():
    services = by_kind("Service")
    ingresses = by_kind("Ingress")
    routes = {}
    for name, ingress in ingresses.items():
        for rule in ingress["spec"]["rules"]:
            for path in rule["http"]["paths"]:
                backend = path["backend"]["service"]
                ports = {p["name"]: p["port"] for p in services[backend["name"]]["spec"]["ports"]}
                assert backend["port"].get("name") in ports or backend["port"].get("number") in ports.values()
                routes[path["path"]] = (name, backend["name"])
    assert routes["/socket.io/"][1] == "rasa"
    assert routes["/webhooks/"][1] == "rasa"
    assert routes["/"][1] == "careers"
    sticky = ingresses[routes["/socket.io/"][0]]["metadata"]["annotations"]
    assert sticky["nginx.ingress.kubernetes.io/affinity"] == "cookie"
    plain = ingresses[routes["/webhooks/"][0]]["metadata"].get("annotations", {})
    assert "nginx.ingress.kubernetes.io/affinity" not in plain, "REST and Slack must be balanced"
    # The chat is on the site's own host, so the browser sends the affinity cookie.
    config = by_kind("ConfigMap")["recruiting-bot-config"]["data"]
    host = urlsplit(config["CAREERS_CHAT_URL"]).hostname
    assert host == urlsplit(config["CAREERS_SITE_ORIGIN"]).hostname
    assert all(rule["host"] == host for i in ingresses.values() for rule in i["spec"]["rules"])


def test_k8s_pods_of_the_bot_get_no_service_links_and_run_unprivileged():
    # A Service named `rasa` would add RASA_PORT=tcp://...:5005, which service/settings.py
    # reads as the Rasa port and rejects.
    assert "RASA_PORT" in names_in_code()
    for workload, spec in pod_specs():
        images = [c["image"] for c in spec["containers"]]
        if any(image.split(":")[0] == OUR_IMAGE for image in images):
            assert spec.get("enableServiceLinks") is False, f"{workload}: enableServiceLinks"
            assert spec["securityContext"]["runAsNonRoot"] is True, workload
    user = re.findall(r"^USER\s+(\S+)", DOCKERFILE.read_text(), re.M)
    assert user and user[-1].split(":")[0].isdigit() and user[-1].split(":")[0] != "0"


def test_the_actions_and_site_wait_for_the_knowledge_base_in_k8s():
    deployments = by_kind("Deployment")
    for name in ("actions", "careers"):
        init = deployments[name]["spec"]["template"]["spec"].get("initContainers", [])
        assert any("bot kb roles" in " ".join(k8s_command(c)) for c in init), name
    job = by_kind("Job")["kb-load"]["spec"]["template"]["spec"]["containers"][0]
    assert server_of(k8s_command(job)) == "kb-load"


# -- nginx ------------------------------------------------------------------------------
Directive = Tuple[List[str], Optional[list]]


def nginx_tree(text: Optional[str] = None) -> List[Directive]:
    """compose.conf as (words, children) pairs; children is None for a simple directive."""
    text = re.sub(r"#[^\n]*", "", NGINX_CONF.read_text() if text is None else text)
    tokens = re.findall(r"[{};]|'[^']*'|\"[^\"]*\"|[^\s{};]+", text)

    def block(i: int) -> Tuple[List[Directive], int]:
        items: List[Directive] = []
        words: List[str] = []
        while i < len(tokens):
            token = tokens[i]
            if token == "{":
                children, i = block(i + 1)
                items.append((words, children))
                words = []
            elif token == "}":
                return items, i + 1
            elif token == ";":
                items.append((words, None))
                words = []
                i += 1
            else:
                words.append(token)
                i += 1
        return items, i

    return block(0)[0]


def blocks(tree: List[Directive], name: str) -> List[Tuple[List[str], List[Directive]]]:
    return [(words, children) for words, children in tree
            if children is not None and words and words[0] == name]


def directives(tree: List[Directive], name: str) -> List[List[str]]:
    return [words[1:] for words, children in tree if children is None and words and words[0] == name]


def nginx_listen_ports() -> List[int]:
    return [int(listen[0].rsplit(":", 1)[-1]) for _, server in blocks(nginx_tree(), "server")
            for listen in directives(server, "listen")]


def nginx_upstreams() -> Dict[str, List[Directive]]:
    return {words[1]: children for words, children in blocks(nginx_tree(), "upstream")}


def public_locations() -> Dict[str, List[Directive]]:
    """The locations of the server on the Rasa port (the public side)."""
    for _, server in blocks(nginx_tree(), "server"):
        if any(args[0].rsplit(":", 1)[-1] == str(DEFAULT_RASA_PORT)
               for args in directives(server, "listen")):
            return {words[1]: children for words, children in blocks(server, "location")}
    raise AssertionError(f"no nginx server listens on {DEFAULT_RASA_PORT}")


def proxied_upstream(location: List[Directive]) -> str:
    (target,) = directives(location, "proxy_pass")
    return target[0].replace("http://", "")


def upstream_servers(upstream: List[Directive]) -> List[str]:
    return [args[0] for args in directives(upstream, "server")]


def test_nginx_sends_a_socketio_client_always_to_the_same_replica():
    locations = public_locations()
    upstreams = nginx_upstreams()
    sticky = proxied_upstream(locations["/socket.io/"])
    hashes = directives(upstreams[sticky], "hash")
    assert len(hashes) == 1 and hashes[0][1:] == ["consistent"], \
        f"upstream {sticky} (socket.io) has no `hash ... consistent`"
    variable = hashes[0][0]
    if variable != "$arg_client":
        # A map from the client's `client=` id, else its address.
        maps = {words[2]: children for words, children in blocks(nginx_tree(), "map")
                if words[1] == "$arg_client"}
        assert variable in maps, f"the hash key {variable} is not mapped from $arg_client"
        entries = {words[0]: words[1] for words, _ in maps[variable]}
        assert entries == {"''": "$remote_addr", "default": "$arg_client"}
    assert ["Upgrade", "$http_upgrade"] in directives(locations["/socket.io/"], "proxy_set_header")
    # Everything else (REST, Slack) over the same replicas, without stickiness.
    for path in ("/webhooks/rest/webhook", "/webhooks/slack/webhook"):
        prefix = max((p for p in locations if path.startswith(p)), key=len)
        plain = proxied_upstream(locations[prefix])
        assert plain != sticky, path
        assert not [w for w, _ in upstreams[plain] if w[0] in ("hash", "ip_hash", "sticky", "random")]
        assert upstream_servers(upstreams[plain]) == upstream_servers(upstreams[sticky])


def test_nginx_upstreams_are_the_compose_services_on_their_ports():
    services = compose()["services"]
    expected = {"rasa": DEFAULT_RASA_PORT, "actions": DEFAULT_ACTION_SERVER_PORT}
    for upstream in nginx_upstreams().values():
        for server in upstream_servers(upstream):
            host, port = server.rsplit(":", 1)
            assert host in expected and host in services, f"upstream server {server}"
            assert int(port) == expected[host], f"upstream server {server}"
    assert sorted(nginx_listen_ports()) == sorted([DEFAULT_RASA_PORT, DEFAULT_ACTION_SERVER_PORT])
    # Docker's resolver, re-read, so restarted or added replicas are found.
    assert directives(nginx_tree(), "resolver")[0][0] == "127.0.0.11"


# -- the Rasa server starts as `make run` starts it ---------------------------------------
def rasa_scripts() -> Dict[str, List[str]]:
    """The Rasa start command of compose (its `$$` made `$`) and of Kubernetes."""
    service = compose()["services"]["rasa"]
    command = [str(part) for part in service["command"]]
    for part in command:
        assert "$" not in part.replace("$$", ""), "compose would interpolate a single $ itself"
    scripts = {"compose": [part.replace("$$", "$") for part in command]}
    container = by_kind("Deployment")["rasa"]["spec"]["template"]["spec"]["containers"][0]
    command = k8s_command(container)
    for part in command:
        # Kubernetes expands $(NAME) and turns $$ into $ in command and args.
        assert "$$" not in part and not re.search(r"\$\([A-Za-z_][A-Za-z0-9_]*\)", part)
    scripts["k8s"] = command
    return scripts


@pytest.mark.parametrize("where", ["compose", "k8s"])
@pytest.mark.parametrize("token", ["", "an-api-token"])
def test_rasa_is_started_with_the_arguments_make_run_uses(where, token, tmp_path):
    command = rasa_scripts()[where]
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    argv_file = tmp_path / "rasa-argv"
    # A `python` that records `python -m rasa_ext run ...` and runs anything else for real.
    fake = bin_dir / "python"
    fake.write_text("#!/bin/sh\n"
                    f'if [ "$1 $2 $3" = "-m rasa_ext run" ]; then printf "%s\\n" "$@" > "{argv_file}"; exit 0; fi\n'
                    f'exec "{sys.executable}" "$@"\n')
    fake.chmod(0o755)
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "PYTHONPATH": str(ROOT), "HOME": str(tmp_path),
           "RUN_DIR": str(tmp_path / "run"), "RASA_HOST": "0.0.0.0",
           "CAREERS_SITE_ORIGIN": "https://careers.example.com",
           "TRACKER_STORE_URL": "postgresql://recruiting:pw@postgres:5432/recruiting_tracker",
           "LOCK_STORE_URL": "redis://redis:6379/0", "RASA_API_TOKEN": token}
    done = subprocess.run(command, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    argv = argv_file.read_text().splitlines()
    assert argv[:3] == ["-m", "rasa_ext", "run"]

    settings = ServiceSettings.from_env(env)
    rasa = next(p for p in supervisord.programs(settings, env, python="python") if p.name == "rasa")
    assert rasa.command[1:4] == ["-m", "rasa_ext", "run"]
    assert parse_options(argv[3:]) == parse_options(rasa.command[4:])
    assert ("--enable-api" in argv) == bool(token)
    # The generated files it is started with, from the environment.
    generated = yaml.safe_load((tmp_path / "run" / "endpoints.yml").read_text())
    assert generated["lock_store"]["type"] == endpoints.LOCK_STORE_TYPE
    assert generated["tracker_store"]["dialect"] == "postgresql"
    assert (tmp_path / "run" / "credentials.yml").is_file()


def test_actions_careers_and_kb_load_run_the_modules_make_run_uses():
    programs = {p.name: p.command for p in
                supervisord.programs(ServiceSettings.from_env({}), {}, python="python")}
    for name in ("actions", "careers"):
        module = programs[name][1:3]
        assert module == ["-m", name]
        assert compose()["services"][name]["command"][1:3] == module
        container = by_kind("Deployment")[name]["spec"]["template"]["spec"]["containers"][0]
        assert k8s_command(container)[1:3] == module
    load = ["python", "-m", "bot", "kb", "load"]
    assert compose()["services"]["kb-load"]["command"] == load
    assert k8s_command(by_kind("Job")["kb-load"]["spec"]["template"]["spec"]["containers"][0]) == load


# -- the image builds what the Makefile builds --------------------------------------------
def makefile_recipe_args(marker: str) -> List[str]:
    text = (ROOT / "Makefile").read_text().replace("\\\n", " ")
    line = next(line for line in text.splitlines() if marker in line)
    return line.split(marker, 1)[1].split()


def test_the_image_builds_the_model_pipeline_and_web_chat_as_the_makefile_does():
    docker = DOCKERFILE.read_text().replace("\\\n", " ")
    train = re.search(r"python -m rasa_ext train (.*?)(&&|$)", docker, re.M)
    assert train and train.group(1).split() == makefile_recipe_args("$(RASA) train")
    pipeline = makefile_recipe_args("$(PY) -m bot nlp build")
    assert f"python -m bot nlp build {' '.join(pipeline)}" in docker
    assert "python -m careers.assets" in docker and "npm ci" in docker
    assert "python -m bot kb load" in docker
    # The model stores the spaCy pipeline's absolute path: the same in the final image.
    makefile_path = re.search(r"RECRUITING_SPACY_MODEL := \$\(ROOT\)/(\S+)",
                              (ROOT / "Makefile").read_text()).group(1)
    workdirs = re.findall(r"^WORKDIR\s+(\S+)", DOCKERFILE.read_text(), re.M)
    assert set(workdirs[1:]) == {"/app"}
    assert dockerfile_env()["RECRUITING_SPACY_MODEL"] == f"/app/{makefile_path}"
    minilm_path = re.search(r"RECRUITING_MINILM_MODEL := \$\(ROOT\)/(\S+)",
                            (ROOT / "Makefile").read_text()).group(1)
    assert dockerfile_env()["RECRUITING_MINILM_MODEL"] == f"/app/{minilm_path}"
    fetch = makefile_recipe_args("$(PY) -m bot.sentence_encoder fetch")
    assert f"python -m bot.sentence_encoder fetch {' '.join(fetch)}" in docker
    assert re.search(r"^FROM python:3\.10-slim", DOCKERFILE.read_text(), re.M)


def test_dockerignore_keeps_what_the_build_needs():
    patterns = [line.strip().rstrip("/") for line in DOCKERIGNORE.read_text().splitlines()
                if line.strip() and not line.startswith("#")]
    needed = ["requirements.txt", "package.json", "package-lock.json", "config.yml", "domain.yml",
              "credentials.yml", "endpoints.yml", "data", "knowledge", "third_party", "bot",
              "actions", "careers", "rasa_ext", "service", "careers/static/chat.js",
              "careers/templates"]
    for path in needed:
        assert (ROOT / path).exists(), path
        hits = [p for p in patterns if fnmatch.fnmatch(path, p) or path.startswith(p + "/")]
        assert not hits, f".dockerignore leaves out {path} ({hits})"
    for built in (".venv", "node_modules", "models", "var", "careers/static/vendor"):
        assert built in patterns, f".dockerignore should leave out {built}"
