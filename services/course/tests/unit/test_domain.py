"""The pure domain: lifecycle rules, visibility, ordering, completion, cycles."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from lms_course.domain.enums import CourseState
from lms_course.domain.errors import InvalidField, PrerequisitesNotMet
from lms_course.domain.events import CourseChanged, CoursePublished
from lms_course.domain.graph import category_path, moves_under_itself, prerequisites_make_cycle
from lms_course.domain.model import Course, CourseDetails
from lms_course.domain.ordering import inserted, positions, removed
from lms_course.domain.progress import completion_percent, is_complete
from lms_kit.domain import Actor, Precondition
from lms_kit.domain.money import Money

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def course(**details) -> Course:
    return Course.create(course_id="c1", owner_id="t1", details=CourseDetails(title="T", **details), now=NOW)


def test_a_course_with_no_lectures_cannot_be_published():
    draft = course()
    with pytest.raises(Precondition) as refused:
        draft.publish(lecture_count=0, now=NOW)
    assert refused.value.reason == "COURSE_HAS_NO_LECTURES"
    assert draft.state is CourseState.DRAFT and draft.pull_events() == []


def test_publishing_raises_course_published_once():
    draft = course()
    assert draft.publish(lecture_count=3, now=NOW)
    assert not draft.publish(lecture_count=3, now=NOW)
    assert [type(e) for e in draft.pull_events()] == [CoursePublished, CourseChanged]


def test_an_archived_course_stays_archived():
    archived = course()
    archived.archive(NOW)
    with pytest.raises(Precondition) as refused:
        archived.publish(lecture_count=1, now=NOW)
    assert refused.value.reason == "COURSE_ARCHIVED"


def test_drafts_are_visible_to_owner_co_instructors_and_admins_only():
    draft = course(instructor_ids=("t2",))
    assert draft.is_visible_to(Actor("t1")) and draft.is_visible_to(Actor("t2"))
    assert draft.is_visible_to(Actor.user("x", "admin"))
    assert not draft.is_visible_to(Actor("t3")) and not draft.is_visible_to(Actor())
    draft.publish(lecture_count=1, now=NOW)
    assert draft.is_visible_to(Actor()) and not draft.can_edit(Actor("t3"))


def test_a_price_needs_a_currency_and_cannot_be_negative():
    with pytest.raises(InvalidField):
        course(price=Money(100, ""))
    with pytest.raises(InvalidField):
        course(price=Money(-1, "USD"))
    assert course(price=Money(0, "")).details.is_free


def test_dense_ordering():
    assert inserted(["a", "b", "c"], "d", 1) == ["a", "d", "b", "c"]
    assert inserted(["a", "b", "c"], "a", 99) == ["b", "c", "a"]
    assert inserted(["a", "b"], "c", None) == ["a", "b", "c"]
    assert positions(removed(["a", "b", "c"], "b")) == {"a": 0, "c": 1}


@pytest.mark.parametrize(
    ("completed", "total", "percent", "done"),
    [
        (0, 0, 0, False),
        (0, 3, 0, False),
        (1, 3, 33, False),
        (2, 3, 66, False),
        (3, 3, 100, True),
        (299, 300, 99, False),
    ],
)
def test_completion_percent_rounds_down_so_100_means_all(completed, total, percent, done):
    assert completion_percent(completed, total) == percent
    assert is_complete(completed, total) is done


def test_prerequisite_cycles():
    assert prerequisites_make_cycle("a", ["a"], set())
    assert prerequisites_make_cycle("a", ["b"], {"c", "a"})
    assert not prerequisites_make_cycle("a", ["b"], {"c"})


def test_a_category_cannot_move_under_its_subtree():
    root = category_path("/", "r")
    child = category_path(root, "c")
    assert moves_under_itself(root, child) and moves_under_itself(root, root)
    assert not moves_under_itself(child, root) and not moves_under_itself(root, "")


def test_a_change_raises_course_changed_once_until_the_events_are_collected():
    draft = course()
    draft.changed(NOW)
    draft.update({"subtitle"}, CourseDetails(subtitle="S"), NOW)
    assert draft.pull_events() == [CourseChanged("c1", NOW)]
    draft.changed(NOW)
    assert draft.pending_events == (CourseChanged("c1", NOW),)


def test_errors_are_kit_categories_with_their_details():
    error = PrerequisitesNotMet(["basics", "algebra"])
    assert isinstance(error, Precondition) and error.reason == "PREREQUISITES_NOT_MET"
    assert [(v.type, v.subject) for v in error.violations] == [
        ("PREREQUISITE", "courses/basics"),
        ("PREREQUISITE", "courses/algebra"),
    ]
    assert error.metadata == {"missing": "courses/basics,courses/algebra"}


def test_a_course_whose_lectures_have_nothing_to_show_is_not_published():
    from lms_course.domain.errors import LecturesWithoutContent

    draft = Course.create(course_id="c9", owner_id="t1", details=CourseDetails(title="T"), now=NOW)
    with pytest.raises(LecturesWithoutContent) as caught:
        draft.publish(lecture_count=2, now=NOW, without_content=["courses/c9/chapters/h/lectures/l2"])
    assert [v.subject for v in caught.value.violations] == ["courses/c9/chapters/h/lectures/l2"]
    assert draft.state is CourseState.DRAFT


def test_lecture_content_rules_per_kind():
    from lms_course.domain.enums import LectureKind
    from lms_course.domain.model import Lecture, LectureContent

    def lecture(**content) -> Lecture:
        return Lecture("l1", "c1", "h1", "L", 0, content=LectureContent(**content))

    assert lecture(kind=LectureKind.VIDEO, asset="videos/v1").has_content
    assert not lecture(kind=LectureKind.VIDEO, asset="").has_content
    assert lecture(kind=LectureKind.ARTICLE, body="Text").has_content
    assert not lecture(kind=LectureKind.ARTICLE, body="  ").has_content
    assert not lecture().has_content
