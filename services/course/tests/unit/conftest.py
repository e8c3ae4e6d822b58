"""Fixtures of the use case tests: the fakes' committed state and the use cases on it."""

from __future__ import annotations

import pytest

from lms_course.handlers import CourseUseCases
from lms_kit.testing.fakes import FakeStore

from .fakes import FakeSubscriptionAccess, State, unit_of_work
from .support import Clock


@pytest.fixture
def store() -> FakeStore[State]:
    return FakeStore(State())


@pytest.fixture
def handlers(store: FakeStore[State]) -> CourseUseCases:
    return CourseUseCases.build(unit_of_work(store), clock=Clock())


@pytest.fixture
def access() -> FakeSubscriptionAccess:
    return FakeSubscriptionAccess()


@pytest.fixture
def with_access(store: FakeStore[State], access: FakeSubscriptionAccess) -> CourseUseCases:
    """The handlers of a deployment with a payment service (subscription check on)."""
    return CourseUseCases.build(unit_of_work(store), access=access, clock=Clock())
