"""What the dev runner (scripts/devmesh.py) prepares for a service in the embedded default.

A service that needs more than a database and NATS to run locally (a stand-in for a
vendor, a signing key pair, a local outbox directory) gets a module here named after it,
`lms_devkit.dev.<service>`, with

    def prepare(ctx: DevContext) -> DevSetup: ...

The runner calls it before starting the service, starts the returned children (their own
processes, waited for until `ready()`), and adds `env` to the service's environment. It
runs in the runner's process, which must stay single-threaded until the children are
spawned: prepare() may write files and pick ports, never start threads.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class DevContext:
    service: str
    data_dir: Path  # this service's own directory under the runner's data dir (created)
    rest_url: str  # the gateway, e.g. http://127.0.0.1:8080
    python: str  # the interpreter to start children with
    free_port: Callable[[], int]
    service_targets: Mapping[str, str]  # every service of the mesh -> host:port


@dataclass(frozen=True)
class DevChild:
    name: str
    argv: list[str]
    ready: Callable[[], bool] | None = None  # polled until True before the service starts
    env: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class DevSetup:
    env: Mapping[str, str] = field(default_factory=dict)
    children: list[DevChild] = field(default_factory=list)


def setup_for(ctx: DevContext) -> DevSetup:
    """The service's dev setup, or nothing when it needs none."""
    try:
        module = importlib.import_module(f"{__name__}.{ctx.service}")
    except ModuleNotFoundError as missing:
        if missing.name == f"{__name__}.{ctx.service}":
            return DevSetup()
        raise
    prepare: Callable[[DevContext], DevSetup] = module.prepare
    return prepare(ctx)
