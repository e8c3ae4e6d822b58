import pytest

from lms.testing.v1 import probe_pb2_grpc
from lms_kit.testing.harness import TokenMint, serve_app, settings_for
from lms_kit.testing.probe import ProbeServicer, probe_app


@pytest.fixture
def mint(tmp_path):
    return TokenMint.create(tmp_path)


@pytest.fixture
def servicer():
    return ProbeServicer()


@pytest.fixture
async def probe(mint, servicer):
    async with serve_app(probe_app(servicer), settings_for(mint, "testing")) as server:
        server.stub = probe_pb2_grpc.ProbeServiceStub(server.channel)
        yield server
