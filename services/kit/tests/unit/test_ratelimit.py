"""Per-caller limits from the contract, in-process buckets (no Redis)."""

from __future__ import annotations

import pytest
from google.protobuf import descriptor_pb2, descriptor_pool

from lms.options.v1 import options_pb2
from lms.testing.v1 import probe_pb2
from lms_kit.auth.principal import ANONYMOUS, Principal
from lms_kit.errors import Exhausted, trailers_of
from lms_kit.ratelimit import InProcessRateLimiter, build_rate_limiter, caller_key, contract_limits
from lms_kit.settings import KitSettings

ECHO = "/lms.testing.v1.ProbeService/Echo"
WHOAMI = "/lms.testing.v1.ProbeService/WhoAmI"
PROBE = probe_pb2.DESCRIPTOR.services_by_name["ProbeService"]
ALICE = Principal(subject="alice")
BOB = Principal(subject="bob")


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def allowed(
    limiter: InProcessRateLimiter, method: str, principal: Principal, address: str = "1.2.3.4"
) -> bool:
    try:
        await limiter.check(method, principal, address)
    except Exhausted:
        return False
    return True


async def test_a_caller_gets_the_per_minute_budget_at_once_then_is_refused_with_retry_after() -> None:
    clock = FakeClock()
    limiter = InProcessRateLimiter({ECHO: 3}, clock=clock)

    results = [await allowed(limiter, ECHO, ALICE) for _ in range(4)]

    assert results == [True, True, True, False]
    with pytest.raises(Exhausted) as refused:
        await limiter.check(ECHO, ALICE, "1.2.3.4")
    assert refused.value.reason == "RATE_LIMITED"
    assert 0 < refused.value.retry_after_s <= 20  # one call every 60 s / 3
    assert trailers_of(refused.value) == (("retry-after", "20"),)


async def test_the_bucket_refills_evenly_over_the_minute() -> None:
    clock = FakeClock()
    limiter = InProcessRateLimiter({ECHO: 3}, clock=clock)
    for _ in range(3):
        assert await allowed(limiter, ECHO, ALICE)

    clock.now += 19.9
    assert not await allowed(limiter, ECHO, ALICE)
    clock.now += 0.2
    assert await allowed(limiter, ECHO, ALICE)
    assert not await allowed(limiter, ECHO, ALICE)
    clock.now += 60
    assert [await allowed(limiter, ECHO, ALICE) for _ in range(4)] == [True, True, True, False]


async def test_users_and_methods_have_separate_buckets() -> None:
    limiter = InProcessRateLimiter({ECHO: 1, WHOAMI: 1}, clock=FakeClock())

    assert await allowed(limiter, ECHO, ALICE)
    assert not await allowed(limiter, ECHO, ALICE)
    assert await allowed(limiter, ECHO, BOB)
    assert await allowed(limiter, WHOAMI, ALICE)


async def test_unlimited_methods_and_services_calling_for_themselves_are_never_refused() -> None:
    limiter = InProcessRateLimiter({ECHO: 1}, clock=FakeClock())
    service = Principal(subject="service:payment", service="payment")

    assert all([await allowed(limiter, WHOAMI, ALICE) for _ in range(5)])
    assert all([await allowed(limiter, ECHO, service) for _ in range(5)])


async def test_a_service_acting_for_a_user_spends_that_users_budget() -> None:
    limiter = InProcessRateLimiter({ECHO: 1}, clock=FakeClock())
    for_alice = Principal(subject="service:payment", service="payment", on_behalf_of=ALICE)

    assert await allowed(limiter, ECHO, for_alice)
    assert not await allowed(limiter, ECHO, ALICE)


async def test_anonymous_callers_are_limited_per_address_not_per_connection() -> None:
    limiter = InProcessRateLimiter({ECHO: 1}, clock=FakeClock())

    # The pipeline resolves the client's address (lms_kit.net); connections do not matter.
    assert await allowed(limiter, ECHO, ANONYMOUS, "10.0.0.1")
    assert not await allowed(limiter, ECHO, ANONYMOUS, "10.0.0.1")
    assert await allowed(limiter, ECHO, ANONYMOUS, "10.0.0.2")


def test_caller_keys() -> None:
    assert caller_key(ALICE, "1.2.3.4") == "user:alice"
    assert caller_key(ANONYMOUS, "::1") == "peer:::1"
    assert caller_key(Principal(subject="service:search", service="search"), "1.2.3.4") is None


def test_overrides_add_change_and_remove_limits_and_must_name_served_methods() -> None:
    assert contract_limits([PROBE]) == {}
    assert contract_limits([PROBE], {ECHO: 5, WHOAMI: 0}) == {ECHO: 5}
    # One LMS_RATE_LIMITS for a whole mesh: other services' methods are theirs to check...
    assert contract_limits([PROBE], {"/lms.nope.v1.X/Y": 1, ECHO: 2}) == {ECHO: 2}
    # ...but a method this service's own services do not have is a typo.
    with pytest.raises(ValueError, match="does not serve"):
        contract_limits([PROBE], {ECHO.rsplit("/", 1)[0] + "/Ehco": 1})
    with pytest.raises(ValueError, match=">= 0"):
        contract_limits([PROBE], {ECHO: -1})


def test_no_limiter_is_built_when_nothing_is_limited_and_in_process_without_redis() -> None:
    settings = KitSettings(service_name="testing")

    assert build_rate_limiter(settings, [PROBE], overrides={}) is None
    limiter = build_rate_limiter(settings, [PROBE], overrides={ECHO: 2})
    assert isinstance(limiter, InProcessRateLimiter)
    assert limiter.limited_methods == {ECHO}


def test_limits_are_read_from_the_contract_option() -> None:
    # A throw-away contract whose method carries (lms.options.v1.rate_limit).
    file = descriptor_pb2.FileDescriptorProto(
        name="ratelimit_test.proto", package="rl.test.v1", dependency=["lms/options/v1/options.proto"]
    )
    file.message_type.add(name="Req")
    method = file.service.add(name="Svc").method.add(
        name="Post", input_type=".rl.test.v1.Req", output_type=".rl.test.v1.Req"
    )
    method.options.Extensions[options_pb2.rate_limit].per_user_per_minute = 30
    pool = descriptor_pool.DescriptorPool()
    for dependency in (descriptor_pb2.DESCRIPTOR, options_pb2.DESCRIPTOR):
        pool.AddSerializedFile(dependency.serialized_pb)
    pool.AddSerializedFile(file.SerializeToString())

    assert contract_limits([pool.FindServiceByName("rl.test.v1.Svc")]) == {"/rl.test.v1.Svc/Post": 30}
