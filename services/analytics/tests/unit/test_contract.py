"""The contract: every RPC has an access policy, REST under /v1/ and an implementation."""

from __future__ import annotations

from lms.analytics.v1 import analytics_pb2
from lms_analytics.servicer import AnalyticsServicer
from lms_kit.testing.checks import contract_problems, unimplemented_rpcs

DESCRIPTOR = analytics_pb2.DESCRIPTOR.services_by_name["AnalyticsService"]


def test_every_rpc_has_a_policy_rest_mapping_and_an_implementation() -> None:
    assert contract_problems(DESCRIPTOR) == []
    assert unimplemented_rpcs(AnalyticsServicer, DESCRIPTOR) == []
