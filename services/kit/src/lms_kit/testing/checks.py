"""Checks every service runs on itself (the scaffold writes the tests that call them)."""

from __future__ import annotations

from google.api import annotations_pb2
from google.protobuf import descriptor as pb_descriptor
from sqlalchemy import MetaData

from lms_kit.db import create_engine
from lms_kit.events.schema import metadata as kit_metadata
from lms_kit.policy import load_policies, policy_for
from lms_kit.validation import check_contract


def contract_problems(service: pb_descriptor.ServiceDescriptor) -> list[str]:
    """What is wrong with a service's contract, as the kit and the gateway see it: every
    RPC has a policy and field rules the kit accepts (else ContractError is raised); a
    client-facing RPC has a REST path under /v1/; an RPC only services may call has none."""
    load_policies([service])
    problems = []
    for method in service.methods:
        check_contract(method.input_type)
        policy = policy_for(method)
        internal = bool(policy.services) and not (
            policy.anonymous or policy.authenticated or policy.roles or policy.owner_field
        )
        has_http = method.GetOptions().HasExtension(annotations_pb2.http)
        if internal and has_http:
            problems.append(f"{method.name}: only services may call it, yet it has a REST mapping")
        if not internal and not has_http:
            problems.append(f"{method.name}: clients may call it, yet it has no REST mapping")
        if has_http:
            rule = method.GetOptions().Extensions[annotations_pb2.http]
            path = getattr(rule, rule.WhichOneof("pattern"))
            if not path.startswith("/v1/"):
                problems.append(f"{method.name}: REST path {path} is not under /v1/")
    return problems


def unimplemented_rpcs(servicer_class: type, service: pb_descriptor.ServiceDescriptor) -> list[str]:
    """RPCs of `service` that `servicer_class` leaves to the generated base (UNIMPLEMENTED)."""
    generated = next(
        (c for c in servicer_class.__mro__ if c.__module__.endswith("_pb2_grpc")),
        None,
    )
    return [
        m.name
        for m in service.methods
        if generated is not None and getattr(servicer_class, m.name) is getattr(generated, m.name)
    ]


async def schema_drift(database_url: str, tables: MetaData) -> list[object]:
    """Differences between a migrated database and the service's table definitions (plus
    the kit's outbox and inbox), as Alembic's autogenerate sees them; [] when they agree."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    expected = MetaData()
    for source in (tables, kit_metadata):
        for table in source.tables.values():
            table.to_metadata(expected)
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(
                lambda sync: compare_metadata(
                    MigrationContext.configure(sync, opts={"compare_type": True}), expected
                )
            )
    finally:
        await engine.dispose()
