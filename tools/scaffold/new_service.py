"""Create a new service from the kit's skeleton: contract, package, migration, tests, docs.

    scripts/new_service notification --port 3006        # into this repository, then regenerate
    python tools/scaffold/new_service.py demo --port 3999 --root /tmp/x --no-regen

Writes protos/lms/<name>/v1/{<name>,events}.proto, services/<name>/ (server, servicer,
mappers, handlers, domain, adapters, migrations, unit/integration/gRPC tests) and
docs/<name>-service.md from template/, replacing __svc__ / __Svc__ / __SVC__ / __PORT__.
In this repository it then regenerates everything derived from the contracts and installs
the new distribution, so the service starts in scripts/up and is tested by scripts/test.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tomllib
from pathlib import Path

TEMPLATE = Path(__file__).resolve().parent / "template"
REPO = Path(__file__).resolve().parents[2]
NAME = re.compile(r"^[a-z][a-z0-9]{1,30}$")
SUFFIX = ".tmpl"


def tokens(name: str, port: int) -> dict[str, str]:
    return {"__Svc__": name.capitalize(), "__SVC__": name.upper(), "__svc__": name, "__PORT__": str(port)}


def render(text: str, values: dict[str, str]) -> str:
    for token, value in values.items():
        text = text.replace(token, value)
    return text


def taken_ports(root: Path) -> dict[int, str]:
    found = {}
    for pyproject in (root / "services").glob("*/pyproject.toml"):
        table = tomllib.loads(pyproject.read_text()).get("tool", {}).get("lms")
        if table:
            found[int(table["grpc_port"])] = str(table["service"])
    return found


def scaffold(name: str, port: int, root: Path) -> list[Path]:
    """Write the new service's files under `root`; returns them."""
    if not NAME.match(name):
        raise SystemExit(f"service name {name!r}: 2-31 lower-case letters and digits, starting with a letter")
    if (root / "services" / name).exists() or (root / "protos" / "lms" / name).exists():
        raise SystemExit(f"a service {name!r} exists already under {root}")
    if port in taken_ports(root):
        raise SystemExit(f"port {port} belongs to the {taken_ports(root)[port]} service")
    values = tokens(name, port)
    written = []
    for source in sorted(TEMPLATE.rglob(f"*{SUFFIX}")):
        target = root / render(str(source.relative_to(TEMPLATE)), values).removesuffix(SUFFIX)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(render(source.read_text(), values))
        written.append(target)
    # The name changes line lengths and import order: let ruff settle both.
    ruff = REPO / ".venv" / "bin" / "ruff"
    if ruff.exists():
        python_files = [str(p) for p in written if p.suffix == ".py"]
        config = ["--config", str(REPO / "pyproject.toml")]
        subprocess.run(
            [str(ruff), "check", "-q", "--fix", "--select", "I", *config, *python_files], check=True
        )
        subprocess.run([str(ruff), "format", "-q", *config, *python_files], check=True)
    return written


def regenerate(root: Path, name: str) -> None:
    """gen/, Envoy, Istio, Helm, OpenAPI, TypeScript; install the new distribution; its image lock."""
    python = str(root / ".venv" / "bin" / "python")
    steps = [
        [str(root / ".venv" / "bin" / "buf"), "format", "-w", "--path", f"protos/lms/{name}"],
        [python, "scripts/gen_protos.py"],
        [python, "scripts/gen_envoy.py"],
        [python, "scripts/gen_mesh.py"],
        [python, "scripts/gen_helm.py"],
        [python, "scripts/gen_openapi.py"],
        ["scripts/gen_ts"],
        [python, "-m", "pip", "install", "-q", "-c", "constraints.txt", "-e", f"services/{name}"],
        [python, "scripts/gen_images.py"],  # after the install: it reads the dependency closure
    ]
    for step in steps:
        print("new_service:", " ".join(step[-3:]), file=sys.stderr)
        subprocess.run(step, cwd=root, check=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("name", help="short service name, e.g. notification")
    parser.add_argument("--port", type=int, required=True, help="its gRPC port (the roadmap's numbering)")
    parser.add_argument("--root", type=Path, default=REPO, help="the tree to write into (default: this repo)")
    parser.add_argument("--no-regen", action="store_true", help="only write the files")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    written = scaffold(args.name, args.port, root)
    print(f"new_service: wrote {len(written)} files for {args.name!r} under {root}", file=sys.stderr)
    if not args.no_regen:
        regenerate(root, args.name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
