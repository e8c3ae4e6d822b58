"""Benchmark: notification fan-out into a local SMTP server (issue 12).

    .venv/bin/python scripts/bench_notification.py              # 10,000 users
    .venv/bin/python scripts/bench_notification.py --users 1000 # smoke

In one run, on a throwaway database of the machine's PostgreSQL and an aiosmtpd server
on loopback:

1. The limit (baselines): bare loops that send the same rendered messages with the same
   SMTP client to the same server, sequentially: (a) `aiosmtplib.send`, one connection per
   message (what the service did before it kept connections), (b) one `aiosmtplib.SMTP`
   connection reused for every message (what the service does now: the stricter limit, and
   the one the target is measured against).
2. The service's path: an admin announcement to every user, fanned out in batches by
   AnnouncementHandlers into deliveries rows, sent by `--workers` DeliveryWorker loops
   (leases, outcome recorded per message). Deliveries per second, and p50/p99 from the
   notification's creation to SMTP acceptance.
3. During 2., a password reset every 0.25 s (critical): p50/p99 from Send to SMTP acceptance,
   to show bulk traffic does not hold it back (target p99 < 2 s).

Reports ratios against the baseline of the same run (target: >= 0.5x).
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import statistics
import sys
import threading
import time
import uuid
from email import message_from_bytes
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "services/notification/src"), str(ROOT / "services/kit/src")]

import aiosmtplib  # noqa: E402
from aiosmtpd.controller import Controller  # noqa: E402

from lms_kit.db import Database  # noqa: E402
from lms_kit.domain import Actor, utc_now  # noqa: E402
from lms_kit.migrations import upgrade  # noqa: E402
from lms_kit.testing.databases import postgres_database  # noqa: E402
from lms_notification.adapters.bundled import bundled_templates  # noqa: E402
from lms_notification.adapters.email import Relay, SmtpSender, build_message  # noqa: E402
from lms_notification.adapters.unit_of_work import SqlNotificationUnitOfWork  # noqa: E402
from lms_notification.domain.catalog import Channel  # noqa: E402
from lms_notification.domain.model import Recipient  # noqa: E402
from lms_notification.handlers.announcements import AnnouncementHandlers  # noqa: E402
from lms_notification.handlers.delivery import DeliveryWorker  # noqa: E402
from lms_notification.handlers.sending import SendCommand, Sending, SendingConfig  # noqa: E402
from lms_notification.migrations import MIGRATIONS_DIR  # noqa: E402


class Arrivals:
    def __init__(self) -> None:
        self.at: dict[str, float] = {}  # To -> arrival (monotonic)
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        to = message_from_bytes(envelope.content)["To"]
        with self.lock:
            self.at.setdefault(to, time.monotonic())
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


async def wait_for(arrivals: Arrivals, count: int, prefix: str) -> None:
    while True:
        with arrivals.lock:
            done = sum(1 for to in arrivals.at if to.startswith(prefix))
        if done >= count:
            return
        await asyncio.sleep(0.05)


async def main(users: int, workers: int, batch: int) -> None:
    arrivals = Arrivals()
    port = free_port()
    controller = Controller(arrivals, hostname="127.0.0.1", port=port)
    controller.start()
    async with postgres_database("lms_notification_bench") as url:
        await upgrade(url, MIGRATIONS_DIR)
        db = Database(url, pool_size=workers + 4)
        uow = lambda: SqlNotificationUnitOfWork(db)  # noqa: E731
        run = uuid.uuid4().hex[:6]
        async with uow() as unit:
            for i in range(users):
                await unit.recipients.save(Recipient(f"{run}-{i:06d}", email=f"fan-{run}-{i:06d}@bench.test"))
            await unit.commit()
        sending = Sending(uow, bundled_templates(), SendingConfig())
        sender = SmtpSender([Relay("127.0.0.1", port)], from_address="no-reply@bench.test", from_name="LMS")

        # 1. Baseline: the same rendered messages, the same client, a bare loop.
        probe = await sending.send(
            SendCommand(
                "announcement",
                "probe",
                f"probe:{run}",
                {"title": "T", "message": "M"},
                email="probe@bench.test",
                channels=[Channel.EMAIL],
            )
        )
        template = probe.deliveries[0]
        started = time.monotonic()
        for i in range(users):
            template.address = f"bare-{run}-{i:06d}@bench.test"
            await aiosmtplib.send(
                build_message(template, "no-reply@bench.test", "LMS"), hostname="127.0.0.1", port=port
            )
        per_connection_s = time.monotonic() - started
        await wait_for(arrivals, users, f"bare-{run}")
        started = time.monotonic()
        async with aiosmtplib.SMTP(hostname="127.0.0.1", port=port) as client:
            for i in range(users):
                template.address = f"kept-{run}-{i:06d}@bench.test"
                await client.send_message(build_message(template, "no-reply@bench.test", "LMS"))
        bare_s = time.monotonic() - started
        await wait_for(arrivals, users, f"kept-{run}")

        # 2. The service's path, with 3. password resets alongside.
        bulk = AnnouncementHandlers(uow, sending, batch_size=batch, poll_interval_s=0.1)
        loops = [
            DeliveryWorker(uow, {Channel.EMAIL: sender}, batch_size=10, poll_interval_s=0.05)
            for _ in range(workers)
        ]
        created: dict[str, float] = {}
        resets: dict[str, float] = {}
        started = time.monotonic()
        await bulk.start()
        for loop in loops:
            await loop.start()
        announcement = await bulk.create(Actor.user("admin", "admin"), "T", "M", None, str(uuid.uuid4()))
        stop = asyncio.Event()

        async def password_resets() -> None:
            i = 0
            while not stop.is_set():
                to = f"reset-{run}-{i}@bench.test"
                resets[to] = time.monotonic()
                await sending.send(
                    SendCommand(
                        "password_reset",
                        f"r-{run}-{i}",
                        f"r:{run}:{i}",
                        {"reset_url": "https://x.test/r"},
                        email=to,
                    )
                )
                for loop in loops:
                    loop.wake()
                i += 1
                await asyncio.sleep(0.25)

        resetter = asyncio.create_task(password_resets())
        while True:  # the fan-out's own notifications: creation time from the database
            progress = await bulk.get(Actor.user("admin", "admin"), announcement.id)
            for loop in loops:
                loop.wake()
            if progress.done:
                break
            await asyncio.sleep(0.1)
        await wait_for(arrivals, users, f"fan-{run}")
        pipeline_s = time.monotonic() - started
        stop.set()
        await resetter
        await wait_for(arrivals, len(resets), f"reset-{run}")
        for loop in loops:
            await loop.stop()
        await bulk.stop()
        if hasattr(sender, "close"):  # the kept connections (absent before they were kept)
            await sender.close()
        async with db.session() as session:
            import sqlalchemy as sa

            from lms_notification.adapters.tables import deliveries

            rows = await session.execute(
                sa.select(deliveries.c.address, deliveries.c.created_at, deliveries.c.sent_at).where(
                    deliveries.c.address.like(f"fan-{run}-%")
                )
            )
            now_wall, now_mono = utc_now(), time.monotonic()
            for address, created_at, _ in rows:
                created[address] = now_mono - (now_wall - created_at).total_seconds()
        await db.dispose()
    controller.stop()

    fan_latency = [arrivals.at[a] - c for a, c in created.items() if a in arrivals.at]
    reset_latency = [arrivals.at[a] - s for a, s in resets.items() if a in arrivals.at]
    bare_rate, pipe_rate = users / bare_s, users / pipeline_s
    per_connection_rate = users / per_connection_s
    print(f"users={users} workers={workers} fan-out batch={batch}")
    print(f"bare loop, a connection per mail:     {per_connection_rate:8.1f} mails/s")
    print(f"bare loop, one kept connection:       {bare_rate:8.1f} mails/s")
    print(
        f"service path (announcement fan-out):  {pipe_rate:8.1f} mails/s  "
        f"ratio {pipe_rate / bare_rate:.2f}x vs the kept connection (target >= 0.5x), "
        f"{pipe_rate / per_connection_rate:.2f}x vs a connection per mail"
    )
    print(
        f"fan-out creation -> SMTP acceptance: p50 {pct(fan_latency, 0.5):.2f} s  p99 {pct(fan_latency, 0.99):.2f} s"
    )
    print(
        f"password reset Send -> SMTP during fan-out ({len(reset_latency)}): "
        f"p50 {pct(reset_latency, 0.5) * 1000:.0f} ms  p99 {pct(reset_latency, 0.99) * 1000:.0f} ms (target < 2000 ms)"
    )
    if reset_latency:
        print(f"  mean {statistics.mean(reset_latency) * 1000:.0f} ms")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=4, help="delivery worker loops in the process")
    parser.add_argument("--batch", type=int, default=200, help="recipients per fan-out step")
    args = parser.parse_args()
    asyncio.run(main(args.users, args.workers, args.batch))
