"""Every RPC in the contracts has an access policy, and each policy holds for an
unauthenticated caller, a wrong caller and a right one. A service whose
contract lacks a policy is refused at start-up."""

from pathlib import Path

import pytest
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

from lms.options.v1 import options_pb2
from lms_kit.auth.principal import ROLE_BY_NAME, Principal
from lms_kit.errors import Denied, Unauthenticated
from lms_kit.policy import ContractError, load_policies, policy_for
from lms_kit.server import Service, check_app_contract

ROOT = Path(__file__).resolve().parents[2]
DESCRIPTOR_SET = ROOT / "gen" / "descriptors" / "lms.binpb"


def contract_pool():
    files = descriptor_pb2.FileDescriptorSet.FromString(DESCRIPTOR_SET.read_bytes())
    pool = descriptor_pool.DescriptorPool()
    for file in files.file:
        pool.Add(file)
    return pool, [f.name for f in files.file if f.package.startswith("lms.")]


def all_methods():
    pool, names = contract_pool()
    for name in names:
        for service in pool.FindFileByName(name).services_by_name.values():
            yield from service.methods


METHODS = list(all_methods())


def test_the_contracts_have_rpcs():
    assert len(METHODS) >= 10


def test_every_rpc_in_the_contracts_has_a_policy():
    pool, names = contract_pool()
    services = [s for n in names for s in pool.FindFileByName(n).services_by_name.values()]
    policies = load_policies(services)  # raises ContractError naming any gap
    assert len(policies) == len(METHODS)


def _request_owned_by(method, user_id: str):
    request = message_factory.GetMessageClass(method.input_type)()
    policy = policy_for(method)
    if policy.owner_field:
        target = request
        for name in policy.owner_field[:-1]:
            target = getattr(target, name)
        setattr(target, policy.owner_field[-1], f"users/{user_id}")
    return request


@pytest.mark.parametrize("method", METHODS, ids=lambda m: m.full_name)
def test_policy_holds_for_unauthenticated_wrong_and_right_callers(method):
    policy = policy_for(method)
    request = _request_owned_by(method, "owner-1")
    anonymous = Principal()
    if policy.anonymous:
        policy.authorize(anonymous, request)
        return
    with pytest.raises(Unauthenticated):
        policy.authorize(anonymous, request)

    right = []
    if policy.authenticated:
        right.append(Principal(subject="any-user"))
    right += [Principal(subject="u-role", roles=frozenset({role})) for role in policy.roles]
    if policy.owner_field:
        right.append(Principal(subject="owner-1"))
    right += [Principal(subject=f"service:{s}", service=s) for s in policy.services]
    assert right, f"{method.full_name}: nobody may call it"
    for caller in right:
        policy.authorize(caller, request)

    wrong = [Principal(subject="service:nobody", service="nobody")]
    if not policy.authenticated:
        other_roles = frozenset(ROLE_BY_NAME.values()) - policy.roles
        wrong.append(Principal(subject="someone-else", roles=other_roles))
    for caller in wrong:
        with pytest.raises(Denied):
            policy.authorize(caller, request)


def _service_without_policy():
    file = descriptor_pb2.FileDescriptorProto(
        name="unguarded.proto", package="lms.unguarded.v1", syntax="proto3"
    )
    file.message_type.add(name="Ping")
    service = file.service.add(name="UnguardedService")
    service.method.add(name="Ping", input_type=".lms.unguarded.v1.Ping", output_type=".lms.unguarded.v1.Ping")
    pool = descriptor_pool.DescriptorPool()
    pool.Add(file)
    return pool.FindServiceByName("lms.unguarded.v1.UnguardedService")


def test_a_service_with_a_policy_less_rpc_is_refused_at_start_up():
    service = Service(_service_without_policy(), lambda servicer, server: None, object())
    with pytest.raises(ContractError, match=r"lms.unguarded.v1.UnguardedService.Ping has no"):
        check_app_contract([service])


def test_an_empty_policy_is_refused():
    file = descriptor_pb2.FileDescriptorProto(name="empty.proto", package="lms.empty.v1", syntax="proto3")
    file.dependency.append("lms/options/v1/options.proto")
    file.message_type.add(name="Ping")
    method = file.service.add(name="EmptyService").method.add(
        name="Ping", input_type=".lms.empty.v1.Ping", output_type=".lms.empty.v1.Ping"
    )
    method.options.Extensions[options_pb2.access].CopyFrom(options_pb2.AccessPolicy())
    method.options.Extensions[options_pb2.access].anonymous = False
    pool = descriptor_pool.Default()
    pool.Add(file)
    descriptor = pool.FindServiceByName("lms.empty.v1.EmptyService")
    assert descriptor.methods[0].GetOptions().HasExtension(options_pb2.access)
    with pytest.raises(ContractError, match="empty access policy"):
        check_app_contract([Service(descriptor, lambda servicer, server: None, object())])
