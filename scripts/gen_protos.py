"""Regenerate gen/ from protos/: Python messages, .pyi stubs, gRPC stubs and
the descriptor set that Envoy's transcoder and the kit read.

    python scripts/gen_protos.py           # write gen/
    python scripts/gen_protos.py --check   # exit 1 if gen/ is stale
"""

from __future__ import annotations

import argparse
import filecmp
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROTOS = ROOT / "protos"
GEN = ROOT / "gen"
# Only our own contracts are generated; google.api / google.rpc come from
# googleapis-common-protos at run time.
OWN_PACKAGE = "lms"
DESCRIPTOR_SET = Path("descriptors") / "lms.binpb"
# Not imported by our contracts, but Envoy's convert_grpc_status needs these
# types in the descriptor to render error details as JSON.
GATEWAY_EXTRA = ["google/rpc/status.proto", "google/rpc/error_details.proto"]


def _own_protos() -> list[str]:
    return sorted(str(p.relative_to(PROTOS)) for p in (PROTOS / OWN_PACKAGE).rglob("*.proto"))


def _protoc(args: list[str]) -> None:
    import grpc_tools
    from grpc_tools import protoc

    well_known = str(Path(grpc_tools.__file__).parent / "_proto")
    code = protoc.main(["protoc", f"-I{PROTOS}", f"-I{well_known}", *args])
    if code != 0:
        raise SystemExit(f"protoc failed ({code}) for: {' '.join(args)}")


def generate(out: Path) -> None:
    python_out = out / "python"
    (out / DESCRIPTOR_SET).parent.mkdir(parents=True, exist_ok=True)
    python_out.mkdir(parents=True, exist_ok=True)
    protos = _own_protos()
    _protoc(
        [
            f"--python_out={python_out}",
            f"--pyi_out={python_out}",
            f"--grpc_python_out={python_out}",
            *protos,
        ]
    )
    # Packages, so that `import lms.course.v1` works from an installed dist.
    for directory in [python_out / OWN_PACKAGE, *(python_out / OWN_PACKAGE).rglob("*")]:
        if directory.is_dir() and directory.name != "__pycache__":
            (directory / "__init__.py").touch()
    (python_out / OWN_PACKAGE / "py.typed").touch()
    _protoc(
        [
            "--include_imports",
            "--include_source_info",
            f"--descriptor_set_out={out / DESCRIPTOR_SET}",
            *protos,
            *GATEWAY_EXTRA,
        ]
    )


def _generated_files(base: Path) -> set[str]:
    found = set()
    for sub in (base / "python" / OWN_PACKAGE, base / DESCRIPTOR_SET.parent):
        if sub.exists():
            found |= {
                str(p.relative_to(base))
                for p in sub.rglob("*")
                if p.is_file() and "__pycache__" not in p.parts
            }
    return found


def check() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp)
        generate(fresh)
        want, have = _generated_files(fresh), _generated_files(GEN)
        stale = sorted(want ^ have)
        stale += sorted(f for f in want & have if not filecmp.cmp(fresh / f, GEN / f, shallow=False))
    if stale:
        print("gen/ is stale; run `python scripts/gen_protos.py`. Differs:", *stale, sep="\n  ")
        return 1
    print("gen/ is fresh")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if gen/ is stale")
    args = parser.parse_args()
    if args.check:
        return check()
    for sub in (GEN / "python" / OWN_PACKAGE, GEN / DESCRIPTOR_SET.parent):
        shutil.rmtree(sub, ignore_errors=True)
    generate(GEN)
    print(f"generated {len(_own_protos())} protos into {GEN.relative_to(ROOT)}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
