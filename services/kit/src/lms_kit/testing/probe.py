"""The probe service (lms.testing.v1.ProbeService): a service with one RPC per
policy kind, stream shape and error path, to test and benchmark the kit.

    python -m lms_kit.testing.probe     # serve it like any service (benchmarks)
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from lms.testing.v1 import probe_pb2, probe_pb2_grpc
from lms_kit.auth import current_principal
from lms_kit.caller import origin
from lms_kit.errors import NotFound, Precondition
from lms_kit.server import App, Service, run
from lms_kit.settings import KitSettings, load

DOMAIN = "testing.lms"


class ProbeServicer(probe_pb2_grpc.ProbeServiceServicer):
    def __init__(self) -> None:
        self.in_flight = 0

    async def Echo(self, request, context):
        return probe_pb2.EchoResponse(text=request.text)

    async def GetCallerOrigin(self, request, context):
        found = origin()
        return probe_pb2.CallerOrigin(address=found.address, user_agent=found.user_agent)

    async def WhoAmI(self, request, context):
        caller = current_principal()
        return probe_pb2.WhoAmIResponse(
            subject=caller.subject,
            roles=sorted(caller.roles),
            service=caller.service,
            on_behalf_of=caller.on_behalf_of.subject if caller.on_behalf_of else "",
        )

    async def AdminEcho(self, request, context):
        return probe_pb2.AdminEchoResponse(text=request.text)

    async def GetNote(self, request, context):
        return probe_pb2.Note(name=request.name)

    async def InternalPing(self, request, context):
        return probe_pb2.InternalPingResponse(caller=current_principal().service)

    async def CreateWidget(self, request, context):
        return request.widget

    async def Fail(self, request, context):
        if request.mode == probe_pb2.FAIL_MODE_NOT_FOUND:
            raise NotFound("WIDGET_NOT_FOUND", "widget not found", domain=DOMAIN, metadata={"widget": "w1"})
        if request.mode == probe_pb2.FAIL_MODE_PRECONDITION:
            raise Precondition("WIDGET_LOCKED", "widget is locked", domain=DOMAIN)
        if request.mode == probe_pb2.FAIL_MODE_CRASH:
            raise RuntimeError("secret database password is hunter2")
        return probe_pb2.FailResponse()

    async def Sleep(self, request, context):
        self.in_flight += 1
        try:
            await asyncio.sleep(request.millis / 1000)
        finally:
            self.in_flight -= 1
        return probe_pb2.SleepResponse(slept_millis=request.millis)

    async def Ticks(self, request, context) -> AsyncIterator[probe_pb2.Tick]:
        for seq in range(request.count):
            yield probe_pb2.Tick(seq=seq)

    async def Sum(self, request_iterator, context):
        total = count = 0
        async for item in request_iterator:
            total += item.value
            count += 1
        return probe_pb2.SumResponse(total=total, count=count)

    async def Chat(self, request_iterator, context) -> AsyncIterator[probe_pb2.ChatResponse]:
        async for item in request_iterator:
            yield probe_pb2.ChatResponse(text=item.text.upper())


def probe_app(servicer: ProbeServicer | None = None) -> App:
    return App(
        services=[
            Service(
                probe_pb2.DESCRIPTOR.services_by_name["ProbeService"],
                probe_pb2_grpc.add_ProbeServiceServicer_to_server,
                servicer or ProbeServicer(),
            )
        ]
    )


async def build_app(settings: KitSettings) -> App:
    return probe_app()


def main() -> None:
    run(load(KitSettings, service_name="testing"), build_app)


if __name__ == "__main__":
    main()
