"""The contract as the kit and the gateway see it, and the servicer implements all of it."""

from __future__ import annotations

from google.api import annotations_pb2

from lms.user.v1 import user_pb2
from lms_kit.policy import policy_for
from lms_kit.testing.checks import contract_problems, unimplemented_rpcs
from lms_user.servicer import UserServicer

SERVICE = user_pb2.DESCRIPTOR.services_by_name["UserService"]
INTERNAL = {"GetUserInternal", "BatchGetUsers", "IssueServiceToken", "GetUserStatus"}


# Two deliberate departures from the kit's rule, and nothing else: the JWKS is served at
# its well-known path (RFC 8615), and IssueServiceToken is anonymous (the caller proves
# client credentials) yet only for services, so it has no REST mapping.
DELIBERATE = [
    "GetJwks: REST path /.well-known/jwks.json is not under /v1/",
    "IssueServiceToken: clients may call it, yet it has no REST mapping",
]


def test_every_rpc_has_a_policy_and_rest_where_clients_call_it():
    assert contract_problems(SERVICE) == DELIBERATE


def test_the_servicer_implements_every_rpc():
    assert unimplemented_rpcs(UserServicer, SERVICE) == []


def test_only_the_internal_rpcs_have_no_rest_mapping():
    for method in SERVICE.methods:
        assert method.GetOptions().HasExtension(annotations_pb2.http) == (method.name not in INTERNAL), (
            method.name
        )


def test_internal_rpcs_are_for_services_only():
    for name in INTERNAL - {"IssueServiceToken"}:  # anyone may trade client credentials
        policy = policy_for(SERVICE.methods_by_name[name])
        assert policy.services and not (policy.authenticated or policy.roles or policy.owner_field), name
