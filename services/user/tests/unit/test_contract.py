"""The contract: every RPC has a policy the kit accepts; client RPCs have REST, internal ones none."""

from __future__ import annotations

from google.api import annotations_pb2

from lms.user.v1 import user_pb2, user_pb2_grpc
from lms_kit.server import Service, check_app_contract

SERVICE = user_pb2.DESCRIPTOR.services_by_name["UserService"]
INTERNAL = {"GetUserInternal", "BatchGetUsers", "IssueServiceToken"}


def test_every_rpc_has_a_policy_and_field_rules_the_kit_accepts():
    policies = check_app_contract(
        [Service(SERVICE, user_pb2_grpc.add_UserServiceServicer_to_server, object())]
    )
    assert len(policies) == len(SERVICE.methods)


def test_client_rpcs_have_rest_mappings_and_internal_rpcs_have_none():
    for method in SERVICE.methods:
        has_http = method.GetOptions().HasExtension(annotations_pb2.http)
        assert has_http == (method.name not in INTERNAL), method.name
        if has_http and method.name != "GetJwks":
            rule = method.GetOptions().Extensions[annotations_pb2.http]
            path = getattr(rule, rule.WhichOneof("pattern"))
            assert path.startswith("/v1/"), method.name
