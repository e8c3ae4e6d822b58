"""SIGTERM drains: in-flight RPCs finish inside the grace period, new calls get
UNAVAILABLE, the process exits 0. Runs the probe service as a real process."""

import asyncio
import os
import signal
import socket
import sys

import grpc
import httpx
from grpc_health.v1 import health_pb2, health_pb2_grpc

from lms.testing.v1 import probe_pb2 as p
from lms.testing.v1 import probe_pb2_grpc
from lms_kit.testing.harness import error_reason


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def start_probe(mint, *, workers: int = 1, grace_s: float = 5.0, metrics_port: int = 0):
    port = free_port()
    env = {
        **os.environ,
        "LMS_METRICS_PORT": str(metrics_port),
        "LMS_GRPC_PORT": str(port),
        "LMS_WORKERS": str(workers),
        "LMS_GRACE_PERIOD_S": str(grace_s),
        "LMS_JWKS_URL": mint.jwks_url,
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "lms_kit.testing.probe", env=env, stderr=asyncio.subprocess.DEVNULL
    )
    channel = grpc.aio.insecure_channel(f"127.0.0.1:{port}")
    health = health_pb2_grpc.HealthStub(channel)
    for _ in range(300):
        try:
            reply = await health.Check(health_pb2.HealthCheckRequest(), timeout=0.5)
            if reply.status == health_pb2.HealthCheckResponse.SERVING:
                break
        except grpc.aio.AioRpcError:
            pass
        await asyncio.sleep(0.05)
    else:
        process.kill()
        raise AssertionError("probe service never became SERVING")
    return process, channel


async def test_sigterm_lets_in_flight_calls_finish_and_refuses_new_ones(mint):
    process, channel = await start_probe(mint)
    stub = probe_pb2_grpc.ProbeServiceStub(channel)
    try:
        in_flight = asyncio.ensure_future(stub.Sleep(p.SleepRequest(millis=1500)))
        await asyncio.sleep(0.3)  # let the call reach the handler
        process.send_signal(signal.SIGTERM)

        refused = None
        for _ in range(50):
            try:
                await stub.Echo(p.EchoRequest(text="late"), timeout=1)
            except grpc.aio.AioRpcError as error:
                refused = error
                break
            await asyncio.sleep(0.02)
        assert refused is not None and refused.code() == grpc.StatusCode.UNAVAILABLE
        assert error_reason(refused) == "SERVICE_UNAVAILABLE"
        assert not in_flight.done(), "the new call was refused while the old one still ran"

        reply = await in_flight
        assert reply.slept_millis == 1500
        assert await asyncio.wait_for(process.wait(), 10) == 0
    finally:
        if process.returncode is None:
            process.kill()
        await channel.close()


async def test_two_workers_share_the_port_merge_metrics_and_both_drain(mint):
    metrics_port = free_port()
    process, channel = await start_probe(mint, workers=2, metrics_port=metrics_port)
    stub = probe_pb2_grpc.ProbeServiceStub(channel)
    try:
        replies = await asyncio.gather(*(stub.Echo(p.EchoRequest(text=str(i))) for i in range(20)))
        assert [r.text for r in replies] == [str(i) for i in range(20)]
        async with httpx.AsyncClient() as http:
            exposition = (await http.get(f"http://127.0.0.1:{metrics_port}/metrics")).text
        echo_ok = [
            line
            for line in exposition.splitlines()
            if line.startswith("grpc_server_handled_total{")
            and 'grpc_method="Echo"' in line
            and 'grpc_code="OK"' in line
        ]
        assert len(echo_ok) == 1 and float(echo_ok[0].rsplit(" ", 1)[1]) == 20.0
        process.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(process.wait(), 15) == 0
    finally:
        if process.returncode is None:
            process.kill()
        await channel.close()
