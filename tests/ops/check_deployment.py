#!/usr/bin/env python3
"""Checks the container deployment without a Docker engine.

Reads docker/docker-compose.yml, docker/docker-compose.databases.yml, docker/Dockerfile,
.dockerignore, .env.template and the Prometheus and Grafana files they mount, and fails when:
  - compose: a container lacks a health check, CPU and memory limits or `restart:
    unless-stopped`; a depends_on does not wait for `service_healthy`; an image is not pinned
    to an exact version; two containers publish the same host port; the databases are not five
    PostgreSQL 15 with their ports 5433..5437, each with its own database, user and password
    variables; a service's QUICKMART_DATABASE_URL names another service's database or
    credentials; an upstream URL points at the wrong service or port; a service gets a
    variable `quickmart serve <service> --help` does not list (a typo) or lacks a required one;
    Prometheus scrapes other targets than the services compose runs; a mount's source is
    missing;
  - secrets: a secret is written literally, has a default (`${VAR:-...}`), or is not a
    required `${VAR:?...}`; a variable compose reads is missing from .env.template, or the
    template has one no compose file reads; a template secret is not a placeholder; a
    template secret is accepted by the service it reaches (each is run through the built
    `quickmart serve`, with every other secret set to a real value, and must be refused with
    a message naming the variable and not echoing the value);
  - Dockerfile (hadolint-style rules): a base image not pinned (or `latest`), fewer than two
    stages, the final user root (or unnamed uid), no HEALTHCHECK on /health, a STOPSIGNAL other
    than SIGTERM, apt lists left behind, recommends installed, shell-form CMD/ENTRYPOINT, ADD,
    sudo, a pipe without pipefail, a COPY of a path .dockerignore excludes, and a runtime stage
    whose packages do not provide every shared library the built binaries need (readelf -d,
    ldd, dpkg -S).

usage: check_deployment.py --root DIR [--quickmart BIN] [--quickmart-sim BIN] [--self-test]
  Without --quickmart the checks that need the binary (settings, refusals, libraries) are
  reported as skipped. --self-test applies a list of breakages to an in-memory copy of the
  files and requires each to be caught (and the unbroken files to pass).

Needs PyYAML (Debian's python3-yaml, installed by scripts/setup for /usr/bin/python3): when
the interpreter running this lacks it, the script re-runs itself with /usr/bin/python3.
"""

import argparse
import copy
import os
import re
import secrets
import shutil
import subprocess
import sys

try:
    import yaml
except ImportError:
    SYSTEM_PYTHON = "/usr/bin/python3"
    if os.path.realpath(sys.executable) != os.path.realpath(SYSTEM_PYTHON) and os.path.exists(SYSTEM_PYTHON):
        os.execv(SYSTEM_PYTHON, [SYSTEM_PYTHON] + sys.argv)
    sys.exit("check_deployment.py needs PyYAML: apt-get install python3-yaml (scripts/setup does)")

COMPOSE = "docker/docker-compose.yml"
DATABASES = "docker/docker-compose.databases.yml"
DOCKERFILE = "docker/Dockerfile"
DOCKERIGNORE = ".dockerignore"
TEMPLATE = ".env.template"
HEALTHCHECK_SCRIPT = "docker/healthcheck.sh"
PROMETHEUS = "docker/prometheus/prometheus.yml"
GRAFANA_DASHBOARDS = "docker/grafana/provisioning/dashboards/quickmart.yml"
GRAFANA_DATASOURCES = "docker/grafana/provisioning/datasources/prometheus.yml"

# The seven processes and their ports (core/config/service_config.cpp; checked against --help).
SERVICE_PORTS = {
    "gateway": 8000, "auth": 8001, "product": 8002, "cart": 8003,
    "order": 8004, "delivery": 8005, "notification": 8006,
}
# The databases the issue fixes: one PostgreSQL per service that has one, on these host ports.
DATABASE_PORTS = {"auth": 5433, "product": 5434, "cart": 5435, "order": 5436, "delivery": 5437}
POSTGRES_IMAGE = re.compile(r"^postgres:15\.\d+")
OTHER_CONTAINERS = {"redis", "prometheus", "grafana"}
DATABASE_FILE_CONTAINERS = {f"{s}-db" for s in DATABASE_PORTS} | {"redis"}
RESTART_POLICY = "unless-stopped"
STOP_SIGNAL = "SIGTERM"
DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000

# Variables whose value is a secret, and variables that carry one inside a URL.
SECRET_NAME = re.compile(r"(PASSWORD|SECRET|TOKEN|_KEY)$")
SECRET_URLS = {"QUICKMART_DATABASE_URL", "QUICKMART_REDIS_URL"}
# ${VAR}, ${VAR:?message}, ${VAR?message}, ${VAR:-default}, ${VAR-default}; $$ is a literal $.
REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[?-])([^}]*))?\}")
# A tag is pinned when it names an exact release: x.y[.z], or a dated snapshot (YYYYMMDD).
PINNED_TAG = re.compile(r"(\d+\.\d+)|(\d{8})")
# What a placeholder in the template carries (core/config: has_placeholder_marker).
TEMPLATE_MARKER = "change-me"
# Packages every Debian image has (essential): never listed in the runtime stage.
ESSENTIAL_PACKAGES = {"libc6"}


class Problems:
    def __init__(self):
        self.items = []
        self.skipped = []

    def add(self, where, what):
        self.items.append(f"{where}: {what}")


# ---- loading -------------------------------------------------------------------------------

def read(root, rel):
    with open(os.path.join(root, rel), encoding="utf-8") as f:
        return f.read()


class UniqueKeyLoader(yaml.SafeLoader):
    """PyYAML keeps the last of two equal keys silently; compose refuses them, and so do we."""


def _construct_mapping(loader, node, deep=False):
    seen = set()
    for key_node, _ in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            continue
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
        seen.add(key)
    return yaml.SafeLoader.construct_mapping(loader, node, deep)


UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def parse_yaml(text, where):
    try:
        return yaml.load(text, Loader=UniqueKeyLoader)  # noqa: S506 (a safe loader)
    except yaml.YAMLError as e:
        raise SystemExit(f"{where}: not valid YAML: {e}")


def parse_env_file(text):
    """KEY=VALUE lines in order; comments and blank lines skipped."""
    out = {}
    for n, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if "=" not in line:
            raise SystemExit(f"{TEMPLATE}:{n}: not KEY=VALUE")
        key, value = line.split("=", 1)
        out[key.strip()] = value.strip()
    return out


class Deployment:
    """Everything the checks read, parsed; the self-test breaks copies of it."""

    def __init__(self, root):
        self.root = root
        self.compose_text = read(root, COMPOSE)
        self.databases_text = read(root, DATABASES)
        self.compose = parse_yaml(self.compose_text, COMPOSE)
        self.databases = parse_yaml(self.databases_text, DATABASES)
        self.dockerfile = read(root, DOCKERFILE)
        self.dockerignore = read(root, DOCKERIGNORE)
        self.template = parse_env_file(read(root, TEMPLATE))
        self.healthcheck_script = read(root, HEALTHCHECK_SCRIPT)
        self.prometheus = parse_yaml(read(root, PROMETHEUS), PROMETHEUS)
        self.grafana_dashboards = parse_yaml(read(root, GRAFANA_DASHBOARDS), GRAFANA_DASHBOARDS)
        self.grafana_datasources = parse_yaml(read(root, GRAFANA_DATASOURCES), GRAFANA_DATASOURCES)
        m = re.search(r"project\(quickmart VERSION (\S+)", read(root, "CMakeLists.txt"))
        self.version = m.group(1) if m else None


def resolved_services(d, compose, where):
    """The services of a compose file with `extends` (from the databases file) applied."""
    out = {}
    for name, svc in (compose.get("services") or {}).items():
        svc = copy.deepcopy(svc) if isinstance(svc, dict) else {}
        ext = svc.pop("extends", None)
        if ext is not None:
            if ext.get("file") != os.path.basename(DATABASES):
                raise SystemExit(f"{where}: {name} extends {ext.get('file')!r}; only {DATABASES} is expected")
            base = copy.deepcopy((d.databases.get("services") or {}).get(ext.get("service"), {}))
            base.update(svc)
            svc = base
        out[name] = svc
    return out


def environment_of(svc):
    env = svc.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, None) for item in env)
    return {k: ("" if v is None else str(v)) for k, v in env.items()}


# ---- the binary: settings, refusals, libraries ---------------------------------------------

class Binary:
    """Answers from the built quickmart, cached (the self-test asks the same questions often)."""

    def __init__(self, quickmart, quickmart_sim):
        self.quickmart = quickmart
        self.quickmart_sim = quickmart_sim
        self._help = {}
        self._runs = {}
        self._packages = None
        self._real_secrets = {}

    def real_secret(self, var):
        """A value var's service accepts; the same for the whole run, so runs can be cached."""
        return self._real_secrets.setdefault(var, secrets.token_hex(32))

    def options(self, service):
        """{variable: (required, default)} from `quickmart serve SERVICE --help`."""
        if service not in self._help:
            out = subprocess.run([self.quickmart, "serve", service, "--help"], capture_output=True, text=True,
                                 timeout=10, check=True).stdout
            options = {}
            lines = out.splitlines()
            for i, line in enumerate(lines):
                m = re.match(r"^  --(\S+)\s+(QUICKMART_[A-Z0-9_]+)$", line)
                if m and i + 1 < len(lines):
                    text = lines[i + 1]
                    default = re.search(r"\(default: ([^)]*)\)$", text)
                    options[m.group(2)] = (text.endswith("(required)"), default.group(1) if default else None)
            if not options:
                raise SystemExit(f"{self.quickmart} serve {service} --help listed no option")
            self._help[service] = options
        return self._help[service]

    def refusal(self, service, env):
        """(exit code, stderr) of `quickmart serve SERVICE` with exactly env (bounded wait)."""
        key = (service, tuple(sorted(env.items())))
        if key not in self._runs:
            clean = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **env}
            try:
                # A refusal is immediate (the configuration is checked before anything starts).
                r = subprocess.run([self.quickmart, "serve", service], env=clean, capture_output=True, text=True,
                                   timeout=2, stdin=subprocess.DEVNULL)
                self._runs[key] = (r.returncode, r.stdout + r.stderr)
            except subprocess.TimeoutExpired as e:
                # It got past its configuration and started: the secret was accepted.
                self._runs[key] = (None, str(e))
        return self._runs[key]

    def library_packages(self):
        """{library: package} for every library the binaries name in DT_NEEDED."""
        if self._packages is None:
            self._packages = {}
            for binary in (self.quickmart, self.quickmart_sim):
                needed = re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]",
                                    subprocess.run(["readelf", "-d", binary], capture_output=True, text=True,
                                                   check=True).stdout)
                paths = dict(re.findall(r"^\s*(\S+) => (\S+)", subprocess.run(
                    ["ldd", binary], capture_output=True, text=True, check=True).stdout, re.M))
                for lib in needed:
                    if lib not in paths:
                        raise SystemExit(f"ldd {binary} does not resolve {lib}")
                    self._packages[lib] = package_of(paths[lib])
        return self._packages


def package_of(path):
    # Debian's merged /usr: dpkg may know the file under /lib or /usr/lib, by either name.
    candidates = [path, os.path.realpath(path)]
    for p in list(candidates):
        if p.startswith("/lib/"):
            candidates.append("/usr" + p)
        elif p.startswith("/usr/lib/"):
            candidates.append(p[len("/usr"):])
    for p in candidates:
        r = subprocess.run(["dpkg", "-S", p], capture_output=True, text=True)
        if r.returncode == 0:
            return r.stdout.split(":", 1)[0].strip()
    raise SystemExit(f"dpkg -S finds no package owning {path}")


# ---- compose ---------------------------------------------------------------------------------

def references(value):
    return REFERENCE.findall(str(value))


def interpolate(value, variables):
    text = REFERENCE.sub(lambda m: variables.get(m.group(1), ""), str(value))
    return text.replace("$$", "$")


def host_ports(svc):
    out = []
    for p in svc.get("ports") or []:
        parts = str(p if not isinstance(p, dict) else p.get("published", "")).split(":")
        if len(parts) >= 2:
            out.append((parts[-2], parts[-1]))  # (host port, container port)
        elif p:
            out.append((None, parts[-1]))
    return out


def duration_s(text):
    m = re.fullmatch(r"(\d+)(ms|s|m)", str(text))
    if not m:
        return None
    n = int(m.group(1))
    return {"ms": n / 1000, "s": n, "m": n * 60}[m.group(2)]


def check_container(p, where, name, svc, all_names):
    if not isinstance(svc.get("image"), str):
        p.add(where, f"{name} has no image")
    else:
        check_image(p, f"{where}: {name}", svc["image"])
    hc = svc.get("healthcheck")
    if not isinstance(hc, dict) or hc.get("disable") or not hc.get("test") or hc.get("test") == ["NONE"]:
        p.add(where, f"{name} has no health check")
    if svc.get("restart") != RESTART_POLICY:
        p.add(where, f"{name}: restart is {svc.get('restart')!r}, not {RESTART_POLICY}")
    limits = ((svc.get("deploy") or {}).get("resources") or {}).get("limits") or {}
    for key in ("cpus", "memory"):
        if not limits.get(key):
            p.add(where, f"{name} has no {key} limit (deploy.resources.limits.{key})")
    deps = svc.get("depends_on") or {}
    if isinstance(deps, list):
        p.add(where, f"{name}: depends_on is a list; each dependency needs condition: service_healthy")
    else:
        for dep, how in deps.items():
            if dep not in all_names:
                p.add(where, f"{name} depends on {dep}, which is not a service")
            if not isinstance(how, dict) or how.get("condition") != "service_healthy":
                p.add(where, f"{name} depends on {dep} without condition: service_healthy")


def check_image(p, where, image):
    if "@sha256:" in image:
        return
    if ":" not in image.rsplit("/", 1)[-1]:
        p.add(where, f"image {image} has no tag")
        return
    tag = image.rsplit(":", 1)[1]
    if tag == "latest" or not PINNED_TAG.search(tag):
        p.add(where, f"image {image} is not pinned to an exact version")


def check_secrets_in(p, where, name, env, template):
    for key, value in env.items():
        refs = references(value)
        for var, op, _ in refs:
            if op not in (":?", "?"):
                p.add(where, f"{name}: {key} reads ${{{var}}} without :? (compose must refuse to start without it)")
        if SECRET_NAME.search(key):
            if not (len(refs) == 1 and REFERENCE.fullmatch(value)):
                p.add(where, f"{name}: {key} is not a ${{VAR:?...}} reference (a literal secret?)")
        if key in SECRET_URLS:
            # References become opaque tokens first: their messages may hold ':' and '/'.
            masked = REFERENCE.sub(lambda m: "\x00", value)
            password = re.match(r"^[a-z]+://[^:/@]*:([^@]*)@", masked)
            if password and password.group(1) != "\x00":
                p.add(where, f"{name}: {key} carries a literal password")
    for value in template_secret_values(template):
        for key, v in env.items():
            if value and value in v:
                p.add(where, f"{name}: {key} holds the template's placeholder literally")


def template_secret_values(template):
    return [v for k, v in template.items() if SECRET_NAME.search(k)]


def check_compose(d, p, binary):
    main = resolved_services(d, d.compose, COMPOSE)
    dbs = resolved_services(d, d.databases, DATABASES)
    expected = set(SERVICE_PORTS) | {f"{s}-db" for s in DATABASE_PORTS} | OTHER_CONTAINERS
    if set(main) != expected:
        p.add(COMPOSE, f"services are {sorted(main)}, expected {sorted(expected)}")
    if set(dbs) != DATABASE_FILE_CONTAINERS:
        p.add(DATABASES, f"services are {sorted(dbs)}, expected {sorted(DATABASE_FILE_CONTAINERS)}")

    for where, services in ((COMPOSE, main), (DATABASES, dbs)):
        published = {}
        for name, svc in services.items():
            check_container(p, where, name, svc, set(services))
            check_secrets_in(p, where, name, environment_of(svc), d.template)
            for host, _ in host_ports(svc):
                if host is None:
                    p.add(where, f"{name} publishes a random host port")
                elif host in published:
                    p.add(where, f"{name} and {published[host]} both publish host port {host}")
                else:
                    published[host] = name
            command = svc.get("command") or ""
            command = " ".join(map(str, command)) if isinstance(command, list) else str(command)
            if re.search(r"--requirepass\s+[^\"$\s]", command):
                p.add(where, f"{name}: its command carries a literal password")
        check_databases(p, where, services)

    for name in SERVICE_PORTS:
        if name in main:
            check_quickmart_service(d, p, name, main[name], main, binary)
    check_volume_sources(d, p, main)
    check_monitoring(d, p, main)
    check_template(d, p, main)


def check_databases(p, where, services):
    seen_vars = {}
    for svc_name in DATABASE_PORTS:
        name = f"{svc_name}-db"
        db = services.get(name)
        if db is None:
            continue
        if not POSTGRES_IMAGE.match(str(db.get("image"))):
            p.add(where, f"{name} is not PostgreSQL 15 ({db.get('image')})")
        env = environment_of(db)
        for key in ("POSTGRES_DB", "POSTGRES_USER", "POSTGRES_PASSWORD"):
            m = REFERENCE.fullmatch(env.get(key, ""))
            if not m:
                p.add(where, f"{name}: {key} is not one ${{VAR:?...}} from the environment")
                continue
            var = m.group(1)
            if var in seen_vars:
                p.add(where, f"{name} and {seen_vars[var]} share the credentials variable {var}")
            seen_vars[var] = name
        ports = host_ports(db)
        if ports != [(str(DATABASE_PORTS[svc_name]), "5432")]:
            p.add(where, f"{name} must publish host port {DATABASE_PORTS[svc_name]} (to 5432), publishes {ports}")
        volumes = [str(v).split(":")[0] for v in db.get("volumes") or []]
        if not volumes:
            p.add(where, f"{name} keeps its data in no volume")
    volume_owner = {}
    for name, svc in services.items():
        if name.endswith("-db"):
            for v in svc.get("volumes") or []:
                src = str(v).split(":")[0]
                if src in volume_owner:
                    p.add(where, f"{name} and {volume_owner[src]} share the volume {src}")
                volume_owner[src] = name


def check_quickmart_service(d, p, name, svc, main, binary):
    where = f"{COMPOSE}: {name}"
    port = SERVICE_PORTS[name]
    if d.version and svc.get("image") != f"quickmart:{d.version}":
        p.add(where, f"image is {svc.get('image')}, expected quickmart:{d.version} (CMakeLists.txt's version)")
    if svc.get("command") != ["serve", name]:
        p.add(where, f"command is {svc.get('command')}, expected ['serve', '{name}']")
    build = svc.get("build") or {}
    if build.get("context") != ".." or build.get("dockerfile") != DOCKERFILE:
        p.add(where, f"build must be context .. and dockerfile {DOCKERFILE}")
    if svc.get("stop_signal") != STOP_SIGNAL:
        p.add(where, f"stop_signal is {svc.get('stop_signal')}, expected {STOP_SIGNAL} (graceful drain)")
    env = environment_of(svc)
    listen = env.get("QUICKMART_LISTEN", "")
    if listen != f"0.0.0.0:{port}":
        p.add(where, f"QUICKMART_LISTEN is {listen!r}, expected 0.0.0.0:{port}")
    hc_test = (svc.get("healthcheck") or {}).get("test") or []
    if "quickmart-healthcheck" not in " ".join(map(str, hc_test)):
        p.add(where, "the health check is not quickmart-healthcheck (GET /health)")
    grace = duration_s(svc.get("stop_grace_period", "10s"))
    shutdown_s = int(env.get("QUICKMART_SHUTDOWN_TIMEOUT_MS", DEFAULT_SHUTDOWN_TIMEOUT_MS)) / 1000
    if grace is None or grace <= shutdown_s:
        p.add(where, f"stop_grace_period {svc.get('stop_grace_period')} does not exceed the "
                     f"{shutdown_s:g} s shutdown timeout: docker would kill a draining service")

    for key, value in env.items():
        m = re.fullmatch(r"QUICKMART_([A-Z]+)_URL", key)
        if m and m.group(1).lower() in SERVICE_PORTS:
            upstream = m.group(1).lower()
            if value != f"http://{upstream}:{SERVICE_PORTS[upstream]}":
                p.add(where, f"{key} is {value!r}, expected http://{upstream}:{SERVICE_PORTS[upstream]}")

    url = env.get("QUICKMART_DATABASE_URL")
    if name in DATABASE_PORTS:
        check_database_url(p, where, name, url, main)
    elif url is not None:
        p.add(where, "has no database of its own but is given QUICKMART_DATABASE_URL")
    if name == "gateway":
        redis = env.get("QUICKMART_REDIS_URL", "")
        if not re.fullmatch(r"redis://:\$\{REDIS_PASSWORD:\?[^}]*\}@redis:6379(/\d+)?", redis):
            p.add(where, "QUICKMART_REDIS_URL must be redis://:${REDIS_PASSWORD:?...}@redis:6379/N")
        if "redis" not in (svc.get("depends_on") or {}):
            p.add(where, "does not wait for redis")

    if binary is None:
        return
    options = binary.options(name)
    help_listen = options.get("QUICKMART_LISTEN", (False, None))[1]
    if help_listen != f"0.0.0.0:{port}":
        p.add(where, f"quickmart serve {name} --help gives listen {help_listen}, the checker expects port {port}")
    for key in env:
        if key not in options:
            p.add(where, f"{key} is not a setting of quickmart serve {name} (see --help)")
    for key, (required, _) in options.items():
        if required and key not in env:
            p.add(where, f"lacks {key}, which quickmart serve {name} requires")


def check_database_url(p, where, name, url, main):
    m = re.fullmatch(r"postgresql://(\$\{[^}]+\}):(\$\{[^}]+\})@([a-z-]+):5432/(\$\{[^}]+\})", url or "")
    if not m:
        p.add(where, "QUICKMART_DATABASE_URL must be postgresql://${USER}:${PASSWORD}@<service>-db:5432/${DB}")
        return
    user, password, host, database = m.groups()
    if host != f"{name}-db":
        p.add(where, f"QUICKMART_DATABASE_URL points at {host}, not its own {name}-db")
        return
    db_env = environment_of(main.get(host, {}))
    for ref, key in ((user, "POSTGRES_USER"), (password, "POSTGRES_PASSWORD"), (database, "POSTGRES_DB")):
        ours = REFERENCE.fullmatch(ref)
        theirs = REFERENCE.fullmatch(db_env.get(key, ""))
        if not ours or not theirs or ours.group(1) != theirs.group(1):
            p.add(where, f"QUICKMART_DATABASE_URL's {key.split('_')[1].lower()} is not {host}'s {key}")
    deps = main.get(name, {}).get("depends_on") or {}
    if not isinstance(deps, dict) or host not in deps:
        p.add(where, f"does not wait for {host}")


def check_volume_sources(d, p, main):
    for name, svc in main.items():
        for v in svc.get("volumes") or []:
            src = str(v).split(":")[0]
            if src.startswith(".") and not os.path.exists(os.path.join(d.root, "docker", src)):
                p.add(COMPOSE, f"{name} mounts {src}, which does not exist")


def mount_target(svc, source):
    for v in svc.get("volumes") or []:
        parts = str(v).split(":")
        if os.path.normpath(parts[0]) == os.path.normpath(source):
            return parts[1]
    return None


def check_monitoring(d, p, main):
    targets = set()
    for job in d.prometheus.get("scrape_configs") or []:
        for sc in job.get("static_configs") or []:
            targets.update(sc.get("targets") or [])
    expected = {f"{s}:{port}" for s, port in SERVICE_PORTS.items()}
    if targets != expected:
        p.add(PROMETHEUS, f"scrapes {sorted(targets)}, compose runs {sorted(expected)}")
    prometheus = main.get("prometheus", {})
    if mount_target(prometheus, "./prometheus") != "/etc/prometheus":
        p.add(COMPOSE, "prometheus must mount ./prometheus at /etc/prometheus (prometheus.yml, alerts.yml)")
    if "--config.file=/etc/prometheus/prometheus.yml" not in (prometheus.get("command") or []):
        p.add(COMPOSE, "prometheus must run with --config.file=/etc/prometheus/prometheus.yml")
    grafana = main.get("grafana", {})
    if mount_target(grafana, "./grafana/provisioning") != "/etc/grafana/provisioning":
        p.add(COMPOSE, "grafana must mount ./grafana/provisioning at /etc/grafana/provisioning")
    dashboards = [pr.get("options", {}).get("path") for pr in d.grafana_dashboards.get("providers") or []]
    if mount_target(grafana, "./grafana/dashboards") not in dashboards:
        p.add(COMPOSE, f"grafana must mount ./grafana/dashboards where the provider reads ({dashboards})")
    for ds in d.grafana_datasources.get("datasources") or []:
        m = re.fullmatch(r"http://([a-z-]+):(\d+)", str(ds.get("url")))
        if not m or m.group(1) not in main:
            p.add(GRAFANA_DATASOURCES, f"data source {ds.get('url')} is not a compose service")


def check_template(d, p, main):
    used = set()
    for text in (d.compose, d.databases):
        used.update(var for var, _, _ in references(yaml.safe_dump(text)))
    for var in sorted(used - set(d.template)):
        p.add(TEMPLATE, f"{var} is read by compose but missing from the template")
    for var in sorted(set(d.template) - used):
        p.add(TEMPLATE, f"{var} is in the template but no compose file reads it")
    for var, value in d.template.items():
        if SECRET_NAME.search(var) and TEMPLATE_MARKER not in value:
            p.add(TEMPLATE, f"{var} is not a {TEMPLATE_MARKER} placeholder")
    for kind in ("NAME", "USER", "PASSWORD"):
        values = [d.template.get(f"{s.upper()}_DB_{kind}") for s in DATABASE_PORTS]
        if None not in values and len(set(values)) != len(values):
            p.add(TEMPLATE, f"the five databases' {kind.lower()}s are not distinct: {values}")


def check_refusals(d, p, binary):
    """Every template secret that reaches a service is refused by it, named, never echoed."""
    main = resolved_services(d, d.compose, COMPOSE)
    real = {var: binary.real_secret(var) for var in d.template if SECRET_NAME.search(var)}
    for var in sorted(real):
        placeholder = d.template[var]
        reached = False
        for name in SERVICE_PORTS:
            env = environment_of(main.get(name, {}))
            carriers = [k for k, v in env.items() if var in (r[0] for r in references(v))]
            if not carriers:
                continue
            reached = True
            values = {**d.template, **real, var: placeholder}
            run_env = {k: interpolate(v, values) for k, v in env.items()}
            # Should the value be accepted, the service starts: on a port of its own, on loopback.
            run_env["QUICKMART_LISTEN"] = "127.0.0.1:0"
            code, output = binary.refusal(name, run_env)
            if code != 2 or not any(c in output for c in carriers):
                p.add(TEMPLATE, f"{var}={placeholder} is not refused by quickmart serve {name} "
                                f"(exit {code}): {output.strip()[:200]}")
            elif placeholder in output:
                p.add(TEMPLATE, f"quickmart serve {name} echoes {var}'s value when refusing it")
        if not reached and var.startswith("QUICKMART_"):
            p.add(TEMPLATE, f"{var} reaches no quickmart service")


# ---- Dockerfile ------------------------------------------------------------------------------

def instructions(text):
    """[(line number, INSTRUCTION, arguments)] with continuations joined and comments dropped."""
    out = []
    pending, start = "", 0
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if pending and line.startswith("#"):
            continue
        if not pending:
            start = n
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        full = pending + line
        pending = ""
        word, _, args = full.partition(" ")
        out.append((start, word.upper(), args.strip()))
    return out


def stages(text):
    """[{'from': image, 'name': alias, 'ins': [...]}]"""
    out = []
    for n, word, args in instructions(text):
        if word == "FROM":
            m = re.match(r"(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?", args, re.I)
            out.append({"line": n, "from": m.group(1), "name": m.group(2), "ins": []})
        elif out:
            out[-1]["ins"].append((n, word, args))
    return out


def dockerignore_allows(ignore_text, path):
    allowed = True
    for line in ignore_text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        negate = line.startswith("!")
        pattern = line[1:] if negate else line
        pattern = pattern.rstrip("/")
        if pattern == "*" or path == pattern or path.startswith(pattern + "/"):
            allowed = negate
    return allowed


def check_dockerfile(d, p, binary):
    where = DOCKERFILE
    all_stages = stages(d.dockerfile)
    if len(all_stages) < 2:
        p.add(where, "is not multi-stage (a build stage and a runtime stage)")
        return
    names = set()
    for st in all_stages:
        image = st["from"]
        if image not in names:
            check_image(p, f"{where}:{st['line']}", image)
            if not image.startswith("debian:bookworm"):
                p.add(f"{where}:{st['line']}", f"base {image} is not Debian bookworm")
        if st["name"]:
            names.add(st["name"])
    build, final = all_stages[0], all_stages[-1]
    if not final["from"].endswith("-slim") or "bookworm" not in final["from"]:
        p.add(where, f"the runtime stage is not a slim bookworm image ({final['from']})")
    build_runs = " ".join(a for _, w, a in build["ins"] if w == "RUN")
    if "scripts/setup" not in build_runs:
        p.add(where, "the build stage does not run scripts/setup")
    if not re.search(r"--target quickmart quickmart-sim\b", build_runs):
        p.add(where, "the build stage does not build exactly the targets quickmart and quickmart-sim")

    for st in all_stages:
        shell_pipefail = False
        for n, word, args in st["ins"]:
            at = f"{where}:{n}"
            if word == "SHELL" and "pipefail" in args:
                shell_pipefail = True
            if word == "ADD":
                p.add(at, "ADD: use COPY for local files")
            if word == "RUN":
                if re.search(r"(^|[;&|]\s*)apt\s", args):
                    p.add(at, "apt in a RUN: use apt-get")
                if re.search(r"\bsudo\b", args):
                    p.add(at, "sudo in a RUN")
                if "|" in args.replace("||", "") and not shell_pipefail:
                    p.add(at, "a pipe in RUN without SHELL [... -o pipefail ...]")
                if "apt-get install" in args:
                    if "--no-install-recommends" not in args:
                        p.add(at, "apt-get install without --no-install-recommends")
                    if "rm -rf /var/lib/apt/lists" not in args:
                        p.add(at, "apt-get install without removing /var/lib/apt/lists in the same RUN")
            if word == "COPY":
                parts = [a for a in args.split() if not a.startswith("--")]
                if "--from=" in args:
                    src_stage = re.search(r"--from=(\S+)", args).group(1)
                    if src_stage not in names:
                        p.add(at, f"COPY --from={src_stage}: no such stage")
                else:
                    for src in parts[:-1]:
                        src = src.rstrip("/")
                        if not os.path.exists(os.path.join(d.root, src)):
                            p.add(at, f"COPY {src}: no such path")
                        elif not dockerignore_allows(d.dockerignore, src):
                            p.add(at, f"COPY {src}: excluded by {DOCKERIGNORE}")
            if word in ("CMD", "ENTRYPOINT") and not args.startswith("["):
                p.add(at, f"{word} in shell form: use the JSON form (signals reach the process)")

    final_ins = final["ins"]
    users = [a for _, w, a in final_ins if w == "USER"]
    uid = users[-1].split(":")[0] if users else None
    if uid is None:
        p.add(where, "the runtime stage sets no USER (it would run as root)")
    elif uid in ("root", "0"):
        p.add(where, "the runtime stage runs as root")
    elif not uid.isdigit():
        p.add(where, f"USER {users[-1]}: use the numeric uid, so Kubernetes' runAsNonRoot can verify it")
    else:
        runs = " ".join(a for _, w, a in final_ins if w == "RUN")
        if not re.search(rf"useradd\b[^&;]*--uid {uid}\b", runs):
            p.add(where, f"USER {uid} is not created with a fixed uid (useradd --uid {uid})")
    stop = [a for _, w, a in final_ins if w == "STOPSIGNAL"]
    if stop != [STOP_SIGNAL]:
        p.add(where, f"STOPSIGNAL must be {STOP_SIGNAL} (services drain on it), is {stop}")
    hc = [a for _, w, a in final_ins if w == "HEALTHCHECK"]
    if not hc or "quickmart-healthcheck" not in hc[-1]:
        p.add(where, "the runtime stage has no HEALTHCHECK running quickmart-healthcheck")
    if not re.search(rf"COPY {re.escape(HEALTHCHECK_SCRIPT)} /usr/local/bin/quickmart-healthcheck",
                     d.dockerfile):
        p.add(where, f"{HEALTHCHECK_SCRIPT} is not installed as /usr/local/bin/quickmart-healthcheck")
    if "GET /health HTTP/1.1" not in d.healthcheck_script or '"HTTP/1.1 200 "' not in d.healthcheck_script:
        p.add(HEALTHCHECK_SCRIPT, "does not require a 200 from GET /health")
    copies = [a for _, w, a in final_ins if w == "COPY"]
    workdir = ([a for _, w, a in final_ins if w == "WORKDIR"] or [None])[-1]
    if not any(re.fullmatch(r"scenarios/? (\S+)/scenarios/?", a) and a.split()[1].rstrip("/") ==
               f"{workdir}/scenarios" for a in copies):
        p.add(where, "scenarios/ is not copied under the WORKDIR (quickmart-sim run scenarios/... must work)")
    from_build = {os.path.basename(src) for a in copies if "--from=" in a
                  for src in [w for w in a.split() if not w.startswith("--")][:-1]}
    if not {"quickmart", "quickmart-sim"} <= from_build:
        p.add(where, "the runtime stage does not copy both binaries (quickmart, quickmart-sim) from the build stage")

    if binary is None:
        p.skipped.append("runtime libraries (no --quickmart)")
        return
    installed = set()
    for _, w, a in final_ins:
        if w == "RUN" and "apt-get install" in a:
            tail = a.split("apt-get install", 1)[1]
            tail = re.split(r"&&|;", tail)[0]
            installed.update(t for t in tail.split() if not t.startswith("-"))
    for lib, package in sorted(binary.library_packages().items()):
        if package not in installed and package not in ESSENTIAL_PACKAGES:
            p.add(where, f"the runtime stage does not install {package}, which provides {lib}")


# ---- running --------------------------------------------------------------------------------

def check(d, binary):
    p = Problems()
    check_compose(d, p, binary)
    check_dockerfile(d, p, binary)
    if binary is not None:
        check_refusals(d, p, binary)
    else:
        p.skipped.append("settings and placeholder refusals (no --quickmart)")
    return p


def svc(d, name):
    return d.compose["services"][name]


def db(d, name):
    return d.databases["services"][name]


def set_env(target, key, value):
    target.setdefault("environment", {})
    target["environment"] = dict(target["environment"])  # unshare a merged anchor
    target["environment"][key] = value


def set_dockerfile(d, old, new):
    if old not in d.dockerfile:
        raise SystemExit(f"self-test: {old!r} not in the Dockerfile")
    d.dockerfile = d.dockerfile.replace(old, new)


# (name, what it does to a copy, a fragment the report must contain)
BREAKAGES = [
    ("a hard-coded database password",
     lambda d: set_env(db(d, "auth-db"), "POSTGRES_PASSWORD", "s3cr3t-password"),
     "auth-db: POSTGRES_PASSWORD is not a ${VAR:?...} reference"),
    ("a literal password in a database URL",
     lambda d: set_env(svc(d, "product"), "QUICKMART_DATABASE_URL",
                       "postgresql://${PRODUCT_DB_USER:?x}:hunter2hunter2@product-db:5432/${PRODUCT_DB_NAME:?x}"),
     "product: QUICKMART_DATABASE_URL carries a literal password"),
    ("a secret with a default",
     lambda d: set_env(svc(d, "auth"), "QUICKMART_TOKEN_SECRET", "${QUICKMART_TOKEN_SECRET:-dev-secret}"),
     "reads ${QUICKMART_TOKEN_SECRET} without :?"),
    ("a template placeholder pasted into compose",
     lambda d: set_env(svc(d, "gateway"), "QUICKMART_CONTEXT_SECRET", d.template["QUICKMART_CONTEXT_SECRET"]),
     "gateway: QUICKMART_CONTEXT_SECRET holds the template's placeholder literally"),
    ("a literal Redis password on its command line",
     lambda d: db(d, "redis").__setitem__("command", ["redis-server", "--requirepass", "hunter2"]),
     "redis: its command carries a literal password"),
    ("a missing health check",
     lambda d: svc(d, "prometheus").pop("healthcheck"),
     "prometheus has no health check"),
    ("a disabled health check",
     lambda d: svc(d, "grafana").__setitem__("healthcheck", {"disable": True}),
     "grafana has no health check"),
    ("two databases sharing a credentials variable",
     lambda d: set_env(db(d, "cart-db"), "POSTGRES_PASSWORD", "${AUTH_DB_PASSWORD:?set it}"),
     "share the credentials variable AUTH_DB_PASSWORD"),
    ("a service pointing at another service's database",
     lambda d: set_env(svc(d, "order"), "QUICKMART_DATABASE_URL",
                       "postgresql://${ORDER_DB_USER:?x}:${ORDER_DB_PASSWORD:?x}@delivery-db:5432/${ORDER_DB_NAME:?x}"),
     "order: QUICKMART_DATABASE_URL points at delivery-db"),
    ("a service using another database's password",
     lambda d: set_env(svc(d, "cart"), "QUICKMART_DATABASE_URL",
                       "postgresql://${CART_DB_USER:?x}:${ORDER_DB_PASSWORD:?x}@cart-db:5432/${CART_DB_NAME:?x}"),
     "cart: QUICKMART_DATABASE_URL's password is not cart-db's POSTGRES_PASSWORD"),
    ("a latest tag",
     lambda d: db(d, "redis").__setitem__("image", "redis:latest"),
     "image redis:latest is not pinned"),
    ("a floating major-version tag",
     lambda d: svc(d, "grafana").__setitem__("image", "grafana/grafana:11"),
     "image grafana/grafana:11 is not pinned"),
    ("a database that is not PostgreSQL 15",
     lambda d: db(d, "order-db").__setitem__("image", "postgres:16.4-bookworm"),
     "order-db is not PostgreSQL 15"),
    ("a missing memory limit",
     lambda d: svc(d, "prometheus")["deploy"]["resources"]["limits"].pop("memory"),
     "prometheus has no memory limit"),
    ("missing limits",
     lambda d: svc(d, "grafana").pop("deploy"),
     "grafana has no cpus limit"),
    ("a missing restart policy",
     lambda d: svc(d, "grafana").pop("restart"),
     "grafana: restart is None"),
    ("restart: always",
     lambda d: db(d, "redis").__setitem__("restart", "always"),
     "redis: restart is 'always'"),
    ("depends_on without service_healthy",
     lambda d: svc(d, "grafana").__setitem__("depends_on", {"prometheus": {"condition": "service_started"}}),
     "grafana depends on prometheus without condition: service_healthy"),
    ("depends_on as a list",
     lambda d: svc(d, "grafana").__setitem__("depends_on", ["prometheus"]),
     "grafana: depends_on is a list"),
    ("a service not waiting for its database",
     lambda d: svc(d, "auth").pop("depends_on"),
     "auth: does not wait for auth-db"),
    ("a host port clash",
     lambda d: svc(d, "grafana").__setitem__("ports", ["127.0.0.1:9090:3000"]),
     "both publish host port 9090"),
    ("a database on the wrong port",
     lambda d: db(d, "product-db").__setitem__("ports", ["127.0.0.1:5440:5432"]),
     "product-db must publish host port 5434"),
    ("an upstream URL with the wrong port",
     lambda d: set_env(svc(d, "cart"), "QUICKMART_PRODUCT_URL", "http://product:8003"),
     "QUICKMART_PRODUCT_URL is 'http://product:8003'"),
    ("a service listening on the wrong port",
     lambda d: set_env(svc(d, "delivery"), "QUICKMART_LISTEN", "0.0.0.0:8006"),
     "delivery: QUICKMART_LISTEN is '0.0.0.0:8006'"),
    ("a stop grace period shorter than the drain",
     lambda d: svc(d, "order").__setitem__("stop_grace_period", "5s"),
     "order: stop_grace_period 5s does not exceed"),
    ("a misspelt setting",
     lambda d: set_env(svc(d, "auth"), "QUICKMART_TOKEN_SECRETS", "${QUICKMART_TOKEN_SECRET:?x}"),
     "QUICKMART_TOKEN_SECRETS is not a setting of quickmart serve auth"),
    ("a missing required setting",
     lambda d: svc(d, "notification").__setitem__("environment", {"QUICKMART_LISTEN": "0.0.0.0:8006"}),
     "notification: lacks QUICKMART_CONTEXT_SECRET"),
    ("a compose variable missing from the template",
     lambda d: set_env(svc(d, "auth"), "QUICKMART_SCRYPT_N", "${SCRYPT_N:?x}"),
     "SCRYPT_N is read by compose but missing from the template"),
    ("a template variable no compose file reads",
     lambda d: d.template.__setitem__("UNUSED_PASSWORD", "change-me-unused"),
     "UNUSED_PASSWORD is in the template but no compose file reads it"),
    ("a template secret that is not a placeholder",
     lambda d: d.template.__setitem__("AUTH_DB_PASSWORD", "correct-horse-battery-staple"),
     "AUTH_DB_PASSWORD is not a change-me placeholder"),
    ("a template secret the service accepts",
     lambda d: d.template.__setitem__("QUICKMART_ADMIN_PASSWORD", "change-me"[::-1] * 4),
     "QUICKMART_ADMIN_PASSWORD=em-egnahc"),
    ("two databases with the same user in the template",
     lambda d: d.template.__setitem__("CART_DB_USER", d.template["AUTH_DB_USER"]),
     "the five databases' users are not distinct"),
    ("Prometheus missing a target",
     lambda d: d.prometheus["scrape_configs"][0]["static_configs"][0]["targets"].remove("cart:8003"),
     "docker/prometheus/prometheus.yml: scrapes"),
    ("Grafana without its dashboards",
     lambda d: svc(d, "grafana").__setitem__("volumes", ["./grafana/provisioning:/etc/grafana/provisioning:ro"]),
     "grafana must mount ./grafana/dashboards"),
    ("an unpinned base image",
     lambda d: set_dockerfile(d, "FROM debian:bookworm-20240701-slim AS runtime", "FROM debian:bookworm-slim AS runtime"),
     "image debian:bookworm-slim is not pinned"),
    ("a latest base image",
     lambda d: set_dockerfile(d, "FROM debian:bookworm-20240701-slim AS build", "FROM debian:latest AS build"),
     "image debian:latest is not pinned"),
    ("USER root",
     lambda d: set_dockerfile(d, "USER 10001:10001", "USER root"),
     "the runtime stage runs as root"),
    ("no USER",
     lambda d: set_dockerfile(d, "USER 10001:10001\n", ""),
     "sets no USER"),
    ("a uid nobody creates",
     lambda d: set_dockerfile(d, "USER 10001:10001", "USER 10002:10002"),
     "USER 10002 is not created with a fixed uid"),
    ("no HEALTHCHECK",
     lambda d: set_dockerfile(d, "HEALTHCHECK ", "# HEALTHCHECK "),
     "no HEALTHCHECK running quickmart-healthcheck"),
    ("a health check that accepts any answer",
     lambda d: setattr(d, "healthcheck_script", d.healthcheck_script.replace('"HTTP/1.1 200 "', '"HTTP/1.1 "')),
     "does not require a 200 from GET /health"),
    ("STOPSIGNAL SIGKILL",
     lambda d: set_dockerfile(d, "STOPSIGNAL SIGTERM", "STOPSIGNAL SIGKILL"),
     "STOPSIGNAL must be SIGTERM"),
    ("a shell-form ENTRYPOINT",
     lambda d: set_dockerfile(d, 'ENTRYPOINT ["quickmart"]', "ENTRYPOINT quickmart"),
     "ENTRYPOINT in shell form"),
    ("apt lists left in the image",
     lambda d: set_dockerfile(d, " \\\n && rm -rf /var/lib/apt/lists/*\n# A fixed uid", "\n# A fixed uid"),
     "apt-get install without removing /var/lib/apt/lists"),
    ("recommends installed",
     lambda d: set_dockerfile(d, "apt-get install -y --no-install-recommends \\\n      libpqxx",
                              "apt-get install -y \\\n      libpqxx"),
     "apt-get install without --no-install-recommends"),
    ("a runtime stage missing a library",
     lambda d: set_dockerfile(d, " libhiredis0.14 ", " "),
     "does not install libhiredis0.14, which provides libhiredis.so.0.14"),
    ("a COPY .dockerignore excludes",
     lambda d: setattr(d, "dockerignore", d.dockerignore.replace("!scenarios/\n", "")),
     "COPY scenarios: excluded by .dockerignore"),
    ("ADD instead of COPY",
     lambda d: set_dockerfile(d, "COPY scenarios /opt", "ADD scenarios /opt"),
     "ADD: use COPY"),
    ("a build stage without the project's setup",
     lambda d: set_dockerfile(d, "RUN scripts/setup &&", "RUN apt-get update &&"),
     "the build stage does not run scripts/setup"),
    ("an image without the simulator",
     lambda d: set_dockerfile(d, " /src/build/quickmart-sim /usr/local/bin/", " /usr/local/bin/"),
     "does not copy both binaries"),
    ("a single-stage Dockerfile",
     lambda d: setattr(d, "dockerfile", d.dockerfile.split("# ---- runtime")[0]),
     "is not multi-stage"),
]


# Breakages only the built binary can catch (its settings, its refusals, its libraries).
NEEDS_BINARY = {"a misspelt setting", "a missing required setting", "a template secret the service accepts",
                "a runtime stage missing a library"}


def self_test(root, binary):
    base = Deployment(root)
    clean = check(base, binary)
    failures = []
    if clean.items:
        failures.append("the unbroken files do not pass:\n  " + "\n  ".join(clean.items))
    skipped = 0
    for name, breakage, expected in BREAKAGES:
        if binary is None and name in NEEDS_BINARY:
            skipped += 1
            continue
        d = copy.deepcopy(base)
        breakage(d)
        found = check(d, binary).items
        if not any(expected in item for item in found):
            failures.append(f"{name}: not caught (wanted '{expected}'; got {found or 'nothing'})")
    if failures:
        print("self-test FAILED:\n" + "\n".join(failures))
        return 1
    print(f"self-test: {len(BREAKAGES) - skipped} breakages caught"
          + (f", {skipped} skipped (no --quickmart)" if skipped else ""))
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--root", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
    ap.add_argument("--quickmart", help="the built quickmart binary")
    ap.add_argument("--quickmart-sim", help="the built quickmart-sim binary")
    ap.add_argument("--self-test", action="store_true")
    args = ap.parse_args()
    binary = None
    if args.quickmart:
        if not args.quickmart_sim:
            ap.error("--quickmart needs --quickmart-sim (the runtime stage serves both)")
        for tool in ("readelf", "ldd", "dpkg"):
            if shutil.which(tool) is None:
                sys.exit(f"{tool} not found (binutils, libc-bin, dpkg)")
        binary = Binary(args.quickmart, args.quickmart_sim)
    if args.self_test:
        return self_test(args.root, binary)
    p = check(Deployment(args.root), binary)
    for s in p.skipped:
        print(f"skipped: {s}")
    if p.items:
        print("\n".join(p.items))
        print(f"{len(p.items)} problem(s)")
        return 1
    print("deployment files OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
