"""The layer rules of every service, as import contracts (import-linter), from the registry.

    .venv/bin/python scripts/check_layers.py          # part of scripts/test

For each service `lms_<name>` of services/*/pyproject.toml ([tool.lms]):
- its domain imports no SQLAlchemy, gRPC, protobuf (`google.*`), generated code (`lms.*`), no asyncio, and
  nothing of its own handlers, adapters, mappers, servicer or server;
- its handlers import no adapters, no generated code, gRPC, protobuf or SQLAlchemy;
- only its server wires adapters: servicer, mappers, handlers and domain never import them;
- it reads server -> servicer -> mappers -> handlers -> domain, never upwards.
Across services: no service imports another service's package (they talk through the
generated stubs `lms.<domain>.v1`) nor the development-only `lms_devkit`; the kit's pure
`lms_kit.domain` imports nothing but the standard library. A new service gets these rules
by being in the registry.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import gen_envoy  # a sibling script, not an installed package

ROOT = gen_envoy.ROOT
INFRASTRUCTURE = ("sqlalchemy", "grpc", "google", "lms")


def package_of(module: str) -> str:
    return module.split(".", 1)[0]


def contracts(packages: list[str]) -> str:
    sections = [
        "[importlinter]",
        f"root_packages =\n    lms_kit\n    lms_devkit\n    lms\n{_lines(packages)}",
        "include_external_packages = True",
        "",
        "[importlinter:contract:kit-domain-is-pure]",
        "name = lms_kit.domain imports only the standard library",
        "type = forbidden",
        "source_modules = lms_kit.domain",
        "forbidden_modules =\n"
        + _lines([*INFRASTRUCTURE, "pydantic", "asyncio", "lms_kit.db", "lms_kit.server", "lms_kit.uow"]),
        "",
        "[importlinter:contract:services-are-independent]",
        "name = services import each other only through the generated stubs",
        "type = independence",
        f"modules =\n{_lines(packages)}",
        "",
        "[importlinter:contract:no-devkit-in-deployables]",
        "name = no deployable imports the development-only lms_devkit",
        "type = forbidden",
        f"source_modules =\n{_lines([*packages, 'lms_kit'])}",
        "forbidden_modules = lms_devkit",
        "",
    ]
    for package in packages:
        own = [f"{package}.{layer}" for layer in ("adapters", "handlers", "mappers", "servicer", "server")]
        sections += [
            f"[importlinter:contract:{package}-domain]",
            f"name = {package}.domain is plain Python",
            "type = forbidden",
            f"source_modules = {package}.domain",
            f"forbidden_modules =\n{_lines([*INFRASTRUCTURE, 'asyncio', *own])}",
            "",
            f"[importlinter:contract:{package}-handlers]",
            f"name = {package}.handlers use ports, not adapters or generated code",
            "type = forbidden",
            f"source_modules = {package}.handlers",
            f"forbidden_modules =\n{_lines([*INFRASTRUCTURE, f'{package}.adapters', f'{package}.mappers', f'{package}.servicer', f'{package}.server'])}",
            "",
            f"[importlinter:contract:{package}-wiring]",
            f"name = only {package}.server wires adapters",
            "type = forbidden",
            f"source_modules =\n{_lines([f'{package}.servicer', f'{package}.mappers'])}",
            f"forbidden_modules = {package}.adapters",
            "",
            f"[importlinter:contract:{package}-layers]",
            f"name = {package} reads server -> servicer -> mappers -> handlers -> domain",
            "type = layers",
            "containers = " + package,
            "layers =\n    server\n    servicer\n    mappers\n    handlers\n    domain",
            "exhaustive = false",
            "",
        ]
    return "\n".join(sections)


def _lines(items: list[str]) -> str:
    return "\n".join(f"    {item}" for item in items)


def main() -> int:
    packages = sorted({package_of(spec.module) for spec in gen_envoy.discover_services()})
    with tempfile.TemporaryDirectory(prefix="lms-layers-") as tmp:
        config = Path(tmp) / "importlinter.ini"
        config.write_text(contracts(packages))
        lint = Path(sys.executable).parent / "lint-imports"
        return subprocess.call([str(lint), "--config", str(config), "--no-cache", "--no-logo"], cwd=ROOT)


if __name__ == "__main__":
    sys.exit(main())
