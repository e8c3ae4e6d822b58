"""The baseline for scripts/bench_kit.py: lms.testing.v1.ProbeService on a bare
grpc.aio server - the kit's own ProbeServicer, but no interceptors, no health,
no reflection. Same event loop policy as the kit (uvloop when installed, via the
kit's own `_install_uvloop`), same server options, same process layout as
`lms_kit.server.run` (1 worker: serves in-process; N workers: a supervising
parent and N spawned children sharing the port with SO_REUSEPORT).

    python scripts/bench/bare_server.py --port 50051 [--workers 2]

Each serving process prints `serving bare port=P pid=N loop=uvloop` on stderr;
SIGTERM/SIGINT stops it.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import signal
import sys

import grpc


async def _serve(host: str, port: int) -> None:
    from lms.testing.v1 import probe_pb2_grpc
    from lms_kit.server import MAX_MESSAGE_BYTES
    from lms_kit.testing.probe import ProbeServicer

    server = grpc.aio.server(
        options=[
            ("grpc.so_reuseport", 1),
            ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
            ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
            ("grpc.keepalive_permit_without_calls", 1),
            ("grpc.http2.min_ping_interval_without_data_ms", 10_000),
        ],
    )
    probe_pb2_grpc.add_ProbeServiceServicer_to_server(ProbeServicer(), server)
    bound = server.add_insecure_port(f"{host}:{port}")
    if bound == 0:
        raise SystemExit(f"could not bind {host}:{port}")
    await server.start()
    loop = asyncio.get_running_loop()
    loop_name = type(loop).__module__.split(".")[0]
    print(f"serving bare port={bound} pid={os.getpid()} loop={loop_name}", file=sys.stderr, flush=True)
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    await server.stop(0)


def _worker_main(host: str, port: int) -> None:
    from lms_kit.server import _install_uvloop  # the kit's loop policy, so the comparison is fair

    _install_uvloop()
    asyncio.run(_serve(host, port))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    if args.workers == 1:
        _worker_main(args.host, args.port)
        return
    spawn = multiprocessing.get_context("spawn")
    workers = [
        spawn.Process(target=_worker_main, args=(args.host, args.port), name=f"worker-{i}")
        for i in range(args.workers)
    ]
    for worker in workers:
        worker.start()

    def forward(signum: int, _frame: object) -> None:
        for worker in workers:
            if worker.is_alive() and worker.pid:
                os.kill(worker.pid, signal.SIGTERM)

    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    for worker in workers:
        worker.join()


if __name__ == "__main__":
    main()
