"""lms.analytics.v1.AnalyticsService: one short method per RPC (proto -> handler -> proto).

The kit's pipeline has already authenticated the caller, enforced the RPC's access policy
and checked the contract's field rules before a method runs.
"""

from __future__ import annotations

from lms.analytics.v1 import analytics_pb2, analytics_pb2_grpc
from lms_analytics import mappers
from lms_analytics.handlers import ItemHandlers
from lms_kit.caller import actor
from lms_kit.paging import Pager


class AnalyticsServicer(analytics_pb2_grpc.AnalyticsServiceServicer):
    def __init__(self, items: ItemHandlers, *, page_max: int = 100) -> None:
        self._items = items
        self._page_max = page_max

    async def CreateItem(self, request, context):
        item = await self._items.create(actor(), request.item.title, request_id=request.request_id or None)
        return mappers.item_to_proto(item)

    async def GetItem(self, request, context):
        (item_id,) = mappers.ITEM.ids(request.name)
        return mappers.item_to_proto(await self._items.get(actor(), item_id))

    async def ListItems(self, request, context):
        pager = Pager(request, maximum=self._page_max)
        found = await self._items.list_mine(actor(), pager.after_time(), pager.size + 1)
        return analytics_pb2.ListItemsResponse(
            items=[mappers.item_to_proto(i) for i in found[: pager.size]],
            next_page_token=pager.next_token(found, lambda i: (i.created_at.isoformat(), i.id)),
        )
