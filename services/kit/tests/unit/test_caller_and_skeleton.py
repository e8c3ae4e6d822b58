"""The caller as the domain sees it, and the skeleton finding a servicer's generated parts."""

from __future__ import annotations

import pytest

from lms.options.v1 import options_pb2
from lms.testing.v1 import probe_pb2
from lms_kit.auth.principal import Principal
from lms_kit.caller import Origin, actor_of
from lms_kit.net import ClientAddressResolver
from lms_kit.service import service_of
from lms_kit.testing.probe import ProbeServicer


def test_a_user_a_service_for_a_user_and_a_service_alone():
    teacher = Principal(subject="u1", roles=frozenset({options_pb2.ROLE_TEACHER}))
    assert (actor_of(teacher).user_id, actor_of(teacher).is_teacher, actor_of(teacher).is_admin) == (
        "u1",
        True,
        False,
    )
    acting = Principal(subject="service:payment", service="payment", on_behalf_of=teacher)
    assert (actor_of(acting).user_id, actor_of(acting).service, actor_of(acting).is_teacher) == (
        "u1",
        "payment",
        True,
    )
    alone = actor_of(Principal(subject="service:payment", service="payment"))
    assert (alone.user_id, alone.service, alone.roles) == ("", "payment", frozenset())


def test_the_client_is_the_first_forwarded_hop_outside_the_load_balancers():
    balancers = ClientAddressResolver.from_setting("10.0.0.0/8")
    # (The pipeline passes forwarded hops only for calls the gateway vouched for.)
    vouched = Origin("ipv4:10.1.2.3:5000", "198.51.100.1, 203.0.113.9, 10.9.9.9", resolver=balancers)
    assert vouched.address == "203.0.113.9"
    direct = Origin("ipv4:198.51.100.7:6000", "", resolver=balancers)
    assert direct.address == "198.51.100.7"
    assert Origin("ipv6:[::1]:6000").address == "::1"


def test_service_of_finds_the_generated_descriptor_and_adder():
    service = service_of(ProbeServicer())
    assert service.descriptor is probe_pb2.DESCRIPTOR.services_by_name["ProbeService"]
    with pytest.raises(TypeError):
        service_of(object())
