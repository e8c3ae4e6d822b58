"""The scaffold's output is a working service: generated into a temporary tree, its
contract is lint-clean, its code passes ruff, mypy and the layer rules, its own tests pass,
and it starts in-process, answers health and serves an RPC."""

from __future__ import annotations

import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / ".venv" / "bin"
NAME, PORT = "scaffoldcheck", 3999
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "tools" / "scaffold"))
import check_layers  # noqa: E402  (a script beside the repo's others)
import new_service  # noqa: E402

# Run the generated tests in a tree of their own, with this repo's pytest settings.
PYTEST_OPTIONS = [
    "-c",
    "/dev/null",
    "-p",
    "no:cacheprovider",
    "--import-mode=importlib",
    "-o",
    "asyncio_mode=auto",
    "-o",
    "asyncio_default_fixture_loop_scope=session",
    "-o",
    "asyncio_default_test_loop_scope=session",
]
CONFTEST = f'''
import sys
from pathlib import Path
import lms
HERE = Path(__file__).parent
lms.__path__.append(str(HERE / "gen" / "lms"))
sys.path.insert(0, str(HERE / "services" / "{NAME}" / "src"))
'''


def run(argv: list[str], cwd: Path) -> None:
    done = subprocess.run(argv, cwd=cwd, capture_output=True, text=True)
    assert done.returncode == 0, f"{' '.join(argv)}\n{done.stdout}\n{done.stderr}"


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tree with only the new service in it, its contract compiled into gen/."""
    root = tmp_path_factory.mktemp("scaffold")
    (root / "services").mkdir()
    (root / "protos").mkdir()
    new_service.scaffold(NAME, PORT, root)
    gen = root / "gen"
    gen.mkdir()
    run(
        [
            str(BIN / "python"),
            "-m",
            "grpc_tools.protoc",
            f"-I{ROOT / 'protos'}",
            f"-I{root / 'protos'}",
            f"--python_out={gen}",
            f"--pyi_out={gen}",
            f"--grpc_python_out={gen}",
            f"lms/{NAME}/v1/{NAME}.proto",
            f"lms/{NAME}/v1/events.proto",
        ],
        root,
    )
    for package in (gen / "lms", gen / "lms" / NAME, gen / "lms" / NAME / "v1"):
        (package / "__init__.py").touch()
    (root / "conftest.py").write_text(CONFTEST)
    return root


def test_the_contract_is_lint_clean(tree: Path, tmp_path: Path):
    module = tmp_path / "lint"
    shutil.copytree(ROOT / "protos", module / "protos")
    shutil.copytree(tree / "protos" / "lms" / NAME, module / "protos" / "lms" / NAME)
    shutil.copy(ROOT / "buf.yaml", module)
    run([str(BIN / "buf"), "lint"], module)
    run([str(BIN / "buf"), "format", "-d", "--exit-code", "--path", f"protos/lms/{NAME}"], module)


def test_the_code_passes_ruff_mypy_and_the_layer_rules(tree: Path):
    service = tree / "services" / NAME
    config = str(ROOT / "pyproject.toml")
    run([str(BIN / "ruff"), "check", "--config", config, str(service)], tree)
    run([str(BIN / "ruff"), "format", "--check", "--config", config, str(service)], tree)
    run([str(BIN / "mypy"), "--config-file", config, str(service / "src")], tree)
    ini = tree / "importlinter.ini"
    ini.write_text(check_layers.contracts([f"lms_{NAME}"]))
    layers = subprocess.run(
        [str(BIN / "lint-imports"), "--config", str(ini), "--no-cache"],
        cwd=tree,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": f"{service / 'src'}:{tree / 'gen'}", "PATH": str(BIN)},
    )
    assert layers.returncode == 0, layers.stdout + layers.stderr
    assert f"lms_{NAME}.domain is plain Python KEPT" in layers.stdout


def test_its_own_tests_pass(tree: Path):
    run([str(BIN / "pytest"), "-q", *PYTEST_OPTIONS, "--rootdir", str(tree), f"services/{NAME}/tests"], tree)


async def test_it_starts_in_process_answers_health_and_serves_an_rpc(tree: Path, tmp_path: Path):
    import lms

    lms.__path__.append(str(tree / "gen" / "lms"))
    sys.path.insert(0, str(tree / "services" / NAME / "src"))
    try:
        from lms_kit.migrations import upgrade
        from lms_kit.testing.databases import postgres_database
        from lms_kit.testing.harness import TokenMint
        from lms_kit.testing.plugin import served

        server_module = __import__(f"lms_{NAME}.server", fromlist=["SERVICE"])
        pb = __import__(f"lms.{NAME}.v1.{NAME}_pb2", fromlist=["x"])
        pb_grpc = __import__(f"lms.{NAME}.v1.{NAME}_pb2_grpc", fromlist=["x"])
        mint = TokenMint.create(tmp_path)
        async with postgres_database(f"lms_{NAME}_test") as url:
            await upgrade(url, server_module.SERVICE.migrations)
            async with served(server_module.SERVICE, mint, database_url=url) as running:
                health = health_pb2_grpc.HealthStub(running.channel)
                status = await health.Check(health_pb2.HealthCheckRequest())
                assert status.status == health_pb2.HealthCheckResponse.SERVING
                stub = getattr(pb_grpc, f"{NAME.capitalize()}ServiceStub")(running.channel)
                owner = mint.bearer(f"u-{uuid.uuid4()}")
                item = await stub.CreateItem(
                    pb.CreateItemRequest(item=pb.Item(title="hello")), metadata=owner
                )
                assert (
                    await stub.GetItem(pb.GetItemRequest(name=item.name), metadata=owner)
                ).title == "hello"
                with pytest.raises(grpc.aio.AioRpcError) as refused:
                    await stub.ListItems(pb.ListItemsRequest())
                assert refused.value.code() == grpc.StatusCode.UNAUTHENTICATED
    finally:
        sys.path.remove(str(tree / "services" / NAME / "src"))
        lms.__path__.remove(str(tree / "gen" / "lms"))
