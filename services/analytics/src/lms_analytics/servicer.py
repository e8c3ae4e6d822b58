"""lms.analytics.v1.AnalyticsService: one short method per RPC (proto -> handler -> proto).

The kit's pipeline has already authenticated the caller, enforced the RPC's access policy
and checked the contract's field rules before a method runs.
"""

from __future__ import annotations

from google.api import httpbody_pb2

from lms.analytics.v1 import analytics_pb2, analytics_pb2_grpc
from lms_analytics import mappers
from lms_analytics.handlers import Ingestion, Reports
from lms_kit.caller import actor


class AnalyticsServicer(analytics_pb2_grpc.AnalyticsServiceServicer):
    def __init__(self, ingestion: Ingestion, reports: Reports) -> None:
        self._ingestion = ingestion
        self._reports = reports

    async def TrackEvents(self, request, context):
        events = [mappers.client_event_from_proto(e) for e in request.events]
        stored, duplicates = await self._ingestion.track(actor(), events)
        return analytics_pb2.TrackEventsResponse(accepted_count=stored, duplicate_count=duplicates)

    async def GetCourseDashboard(self, request, context):
        (course_id,) = mappers.DASHBOARD.ids(request.name)
        dashboard = await self._reports.course_dashboard(actor(), course_id, request.days)
        return mappers.dashboard_to_proto(dashboard)

    async def ExportCourseDashboard(self, request, context):
        (course_id,) = mappers.DASHBOARD.ids(request.name)
        text = await self._reports.course_csv(actor(), course_id, request.days)
        return httpbody_pb2.HttpBody(content_type="text/csv; charset=utf-8", data=text.encode())

    async def GetPlatformOverview(self, request, context):
        return mappers.overview_to_proto(await self._reports.platform_overview(request.days))

    async def GetLearnerActivity(self, request, context):
        (user_id,) = mappers.ACTIVITY.ids(request.name)
        return mappers.activity_to_proto(await self._reports.learner_activity(user_id, request.page_size))
