"""The service skeleton: a service states what it is, the kit does the rest.

    # services/course/src/lms_course/server.py
    SERVICE = ServiceDefinition(
        name="course",
        settings=CourseSettings,
        migrations=MIGRATIONS_DIR,
        wire=wire,
    )

    async def wire(runtime: Runtime[CourseSettings]) -> list[object]:
        handlers = CourseHandlers(runtime.unit_of_work(CourseUnitOfWork))
        return [CourseServicer(handlers)]

    def main() -> None:
        serve_service(SERVICE)

`wire` builds adapters and handlers from `runtime` and returns the servicers; the kit
finds each servicer's generated `add_*_to_server` and descriptor, opens and closes the
database, runs the outbox relay and the event consumers, closes client channels, applies
migrations before serving, and maps every domain error to its status with the service's
error domain (`course.lms`). See docs/kit.md.
"""

from __future__ import annotations

import asyncio
import functools
import importlib
import sys
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

import grpc
from google.protobuf import descriptor as pb_descriptor
from google.protobuf.message import Message

from lms_kit.auth.user_status import UserStatusGuard
from lms_kit.auth.user_status_feed import AccountEventListener, remote_status_source
from lms_kit.clients import TokenSource, connect, service_token_source
from lms_kit.db import Database
from lms_kit.events import EventRuntime
from lms_kit.events.consumer import EventConsumer, Handler
from lms_kit.interceptors import RateLimiter
from lms_kit.migrations import upgrade
from lms_kit.server import App, Hook, Service, run
from lms_kit.settings import KitSettings, load
from lms_kit.uow import SqlUnitOfWork

S = TypeVar("S", bound=KitSettings)
U = TypeVar("U", bound=SqlUnitOfWork)


@dataclass(frozen=True)
class ServiceDefinition(Generic[S]):
    """What a service is. `migrations` is its Alembic versions' parent directory, or None
    for a service without a database; `error_domain` defaults to `<name>.lms`."""

    name: str
    settings: type[S]
    wire: Callable[[Runtime[S]], Awaitable[Sequence[object]]]
    migrations: Path | None = None
    error_domain: str = ""

    @property
    def domain(self) -> str:
        return self.error_domain or f"{self.name}.lms"


class Runtime(Generic[S]):
    """What `wire` builds on: settings, the database, events, clients of other services,
    and start/stop hooks. Everything opened through it is closed by the kit."""

    def __init__(self, definition: ServiceDefinition[S], settings: S, *, tokens: TokenSource | None) -> None:
        self.definition = definition
        self.settings = settings
        self._tokens = tokens if tokens is not None else service_token_source(settings, definition.name)
        self._database: Database | None = None
        self._events: EventRuntime | None = None
        self._channels: list[grpc.aio.Channel] = []
        self._on_start: list[Hook] = []
        self._on_stop: list[Hook] = []
        self.exposed: dict[str, Any] = {}
        # A service that issues tokens verifies with its own keys; others use LMS_JWKS_URL.
        self.verifier: Any = None
        self.rate_limiter: RateLimiter | None = None
        # Refuses writes of accounts that may not act; wire() may set its own (the user
        # service, from its database), else LMS_USER_SERVICE_TARGET builds one.
        self.user_status: UserStatusGuard | None = None

    # -- what the kit opens for the service

    @property
    def database(self) -> Database:
        if self.definition.migrations is None:
            raise RuntimeError(f"the {self.definition.name} service declares no database (migrations)")
        if self._database is None:
            self._database = Database(self.settings.database_url, pool_size=self.settings.database_pool_size)
        return self._database

    @property
    def events(self) -> EventRuntime:
        """The outbox relay of this service's domain and its consumers (started after serving)."""
        if self._events is None:
            self._events = EventRuntime(self.database, self.settings.nats_url, domain=self.definition.name)
        return self._events

    def unit_of_work(self, factory: Callable[[Database], U]) -> Callable[[], U]:
        """A unit-of-work factory bound to the service's database, for handlers."""
        database = self.database
        return lambda: factory(database)

    def client(self, target: str, *services: pb_descriptor.ServiceDescriptor) -> grpc.aio.Channel:
        """A channel to another service (deadlines, retries of idempotent RPCs, this
        service's token, the end user's token and the trace); closed at stop."""
        channel = connect(target, services, tokens=self._tokens)
        self._channels.append(channel)
        return channel

    def consume(
        self,
        durable: str,
        handlers: Mapping[type[Message], Handler],
        *,
        unit_of_work: Callable[[], SqlUnitOfWork] | None = None,
        **options: Any,
    ) -> None:
        """Run an idempotent JetStream consumer (inbox, retries, dead letters) once serving;
        handlers get `ctx.uow` from `unit_of_work` (their writes commit with the inbox row)."""
        database = self.database
        service = self.definition.name
        self.events.attach(
            lambda _client, js: EventConsumer(
                js,
                database,
                durable=durable,
                handlers=handlers,
                unit_of_work=unit_of_work,
                service=service,
                **options,
            )
        )

    def on_start(self, hook: Hook) -> None:
        """Run `hook` once the server is serving (background jobs)."""
        self._on_start.append(hook)

    def on_stop(self, hook: Hook) -> None:
        """Run `hook` after the drain, before events, channels and the database close."""
        self._on_stop.append(hook)

    def expose(self, **objects: Any) -> None:
        """Make built objects (handlers, caches) reachable from tests: `built.exposed[...]`."""
        self.exposed.update(objects)

    # -- the kit's side

    async def start(self) -> None:
        for hook in self._on_start:
            await hook()
        # A service with a database always relays its outbox (a no-op without LMS_NATS_URL),
        # whether or not wire() asked for the events runtime.
        if self.definition.migrations is not None:
            await self.events.start()

    async def stop(self) -> None:
        if self._events is not None:
            await self._events.stop()
        for hook in reversed(self._on_stop):
            await hook()
        for channel in self._channels:
            await channel.close()
        if self._database is not None:
            await self._database.dispose()


@dataclass
class BuiltService(Generic[S]):
    """A built, not yet started service: the App for the kit server and its runtime."""

    app: App
    runtime: Runtime[S]

    @property
    def database(self) -> Database:
        return self.runtime.database

    @property
    def exposed(self) -> dict[str, Any]:
        return self.runtime.exposed


def service_of(servicer: object) -> Service:
    """The kit Service for a servicer instance, from the generated base class it extends
    (`CourseServiceServicer` in `lms.course.v1.course_pb2_grpc`)."""
    for cls in type(servicer).__mro__:
        module_name = cls.__module__
        if not (module_name.endswith("_pb2_grpc") and cls.__name__.endswith("Servicer")):
            continue
        module = importlib.import_module(module_name)
        name = cls.__name__.removesuffix("Servicer")
        add = getattr(module, f"add_{cls.__name__}_to_server", None)
        messages = importlib.import_module(module_name.removesuffix("_grpc"))
        descriptor = messages.DESCRIPTOR.services_by_name.get(name)
        if add is not None and descriptor is not None:
            return Service(descriptor, add, servicer)
    raise TypeError(f"{type(servicer).__name__} extends no generated *Servicer class")


async def build(
    definition: ServiceDefinition[S], settings: S, *, tokens: TokenSource | None = None
) -> BuiltService[S]:
    """Wire the service (tests call this; `tokens` overrides its service-token source)."""
    runtime = Runtime(definition, settings, tokens=tokens)
    servicers = await definition.wire(runtime)
    if runtime.user_status is None and settings.user_service_target:
        runtime.user_status = _remote_user_status(runtime)
    app = App(
        services=[service_of(s) for s in servicers],
        on_start=[runtime.start],
        on_stop=[runtime.stop],
        rate_limiter=runtime.rate_limiter,
        verifier=runtime.verifier,
        error_domain=definition.domain,
        user_status=runtime.user_status,
    )
    return BuiltService(app, runtime)


def _remote_user_status(runtime: Runtime[S]) -> UserStatusGuard:
    """The guard of a service other than the user service: GetUserStatus lookups, and
    the account events as soon as they are published."""
    from lms.user.v1 import user_pb2

    settings = runtime.settings
    channel = runtime.client(
        settings.user_service_target, user_pb2.DESCRIPTOR.services_by_name["UserService"]
    )
    guard = UserStatusGuard(
        remote_status_source(channel),
        ttl_s=settings.user_status_ttl_s,
        allow_unknown=settings.trust_unknown_users,
    )
    if runtime.definition.migrations is not None:
        runtime.events.attach(lambda client, _js: AccountEventListener(client, guard))
    return guard


async def build_app(definition: ServiceDefinition[S], settings: S) -> App:
    return (await build(definition, settings)).app


def migrate(definition: ServiceDefinition[S], settings: S) -> None:
    if definition.migrations is not None:
        asyncio.run(upgrade(settings.database_url, definition.migrations))


def load_settings(definition: ServiceDefinition[S], **overrides: object) -> S:
    """The service's settings from the environment; a database service needs its URL."""
    settings = load(definition.settings, **{"service_name": definition.name, **overrides})
    if definition.migrations is not None and not settings.database_url:
        raise SystemExit("LMS_DATABASE_URL is required")
    return settings


def serve_service(definition: ServiceDefinition[S], argv: Sequence[str] | None = None) -> None:
    """The whole `main()` of a service: settings, migrations, N workers, drain on SIGTERM.
    With the argument `migrate` it only applies the migrations and exits (a deployment's
    migration job)."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args not in ([], ["migrate"]):
        raise SystemExit(f"usage: python -m lms_{definition.name}.server [migrate]")
    settings = load_settings(definition)
    if args == ["migrate"]:
        migrate(definition, settings)
        return
    # Module-level functions bound with partial: worker processes are spawned and pickle them.
    run(
        settings,
        functools.partial(build_app, definition),
        migrate=functools.partial(migrate, definition) if definition.migrations else None,
    )
