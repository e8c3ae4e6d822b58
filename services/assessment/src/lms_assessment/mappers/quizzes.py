"""Quizzes and overrides <-> proto."""

from __future__ import annotations

from typing import Any

from lms.assessment.v1 import assessment_pb2 as pb
from lms_assessment.domain.quiz import (
    ExpiryAction,
    GradingMethod,
    IntegrityRules,
    Navigation,
    Override,
    Quiz,
    QuizSettings,
    QuizState,
    ReviewOptions,
    ReviewTime,
    Section,
    Slot,
)
from lms_assessment.mappers.questions import CATEGORY, COURSE, QUESTION
from lms_kit.proto import ResourceName, from_timestamp, timestamp

QUIZ = ResourceName("quizzes/{quiz}")
OVERRIDE = ResourceName("quizzes/{quiz}/overrides/{user}")
LECTURE = ResourceName("courses/{course}/lectures/{lecture}")

EXPIRY = {
    pb.EXPIRY_ACTION_UNSPECIFIED: ExpiryAction.AUTO_SUBMIT,
    pb.EXPIRY_ACTION_AUTO_SUBMIT: ExpiryAction.AUTO_SUBMIT,
    pb.EXPIRY_ACTION_GRACE: ExpiryAction.GRACE,
    pb.EXPIRY_ACTION_DISCARD: ExpiryAction.DISCARD,
}
GRADING = {
    pb.GRADING_METHOD_UNSPECIFIED: GradingMethod.HIGHEST,
    pb.GRADING_METHOD_HIGHEST: GradingMethod.HIGHEST,
    pb.GRADING_METHOD_AVERAGE: GradingMethod.AVERAGE,
    pb.GRADING_METHOD_FIRST: GradingMethod.FIRST,
    pb.GRADING_METHOD_LAST: GradingMethod.LAST,
}
NAVIGATION = {
    pb.NAVIGATION_UNSPECIFIED: Navigation.FREE,
    pb.NAVIGATION_FREE: Navigation.FREE,
    pb.NAVIGATION_SEQUENTIAL: Navigation.SEQUENTIAL,
}
REVIEW = {
    pb.REVIEW_TIME_UNSPECIFIED: ReviewTime.NEVER,
    pb.REVIEW_TIME_NEVER: ReviewTime.NEVER,
    pb.REVIEW_TIME_IMMEDIATELY: ReviewTime.IMMEDIATELY,
    pb.REVIEW_TIME_WHILE_OPEN: ReviewTime.WHILE_OPEN,
    pb.REVIEW_TIME_AFTER_CLOSE: ReviewTime.AFTER_CLOSE,
}


def _back(table: dict[Any, Any]) -> dict[Any, Any]:
    reverse: dict[Any, Any] = {}
    for key, value in table.items():
        if key:  # the first non-zero value wins
            reverse.setdefault(value, key)
    return reverse


EXPIRY_PB, GRADING_PB, NAVIGATION_PB, REVIEW_PB = (_back(t) for t in (EXPIRY, GRADING, NAVIGATION, REVIEW))


def _id_of(name: str, pattern: ResourceName) -> str:
    return pattern.ids(name)[-1] if name else ""


def sections_from_proto(message: pb.Quiz) -> tuple[Section, ...]:
    return tuple(
        Section(
            s.title,
            tuple(
                Slot(
                    points=slot.points,
                    question_id=_id_of(slot.question, QUESTION),
                    category_id=_id_of(slot.category, CATEGORY),
                    include_subcategories=slot.include_subcategories,
                    bank_id=(QUESTION.ids(slot.question) if slot.question else CATEGORY.ids(slot.category))[0]
                    if slot.question or slot.category
                    else "",
                )
                for slot in s.slots
            ),
            s.shuffle,
        )
        for s in message.sections
    )


def settings_from_proto(message: pb.Quiz) -> QuizSettings:
    review = message.review
    return QuizSettings(
        open_at=from_timestamp(message, "open_time"),
        close_at=from_timestamp(message, "close_time"),
        time_limit_s=message.time_limit_seconds,
        expiry=EXPIRY[message.expiry_action],
        grace_s=message.grace_period_seconds,
        attempts_allowed=message.attempts_allowed,
        delay_between_attempts_s=message.delay_between_attempts_seconds,
        grading_method=GRADING[message.grading_method],
        pass_percent=message.pass_percent,
        navigation=NAVIGATION[message.navigation],
        review=(
            ReviewOptions(REVIEW[review.marks], REVIEW[review.feedback], REVIEW[review.correct_answers])
            if message.HasField("review")
            else ReviewOptions()
        ),
        lecture_id=_id_of(message.lecture, LECTURE),
        password=message.access_password,
        ip_ranges=tuple(message.ip_ranges),
        integrity=IntegrityRules(
            message.integrity.max_tab_switches,
            message.integrity.max_copy_paste,
            message.integrity.flag_second_session,
            message.integrity.flag_ip_change,
            message.integrity.flag_fullscreen_exit,
        ),
    )


def _slot_to_proto(slot: Slot) -> pb.QuizSlot:
    return pb.QuizSlot(
        points=slot.points,
        question=QUESTION.format(bank=slot.bank_id, question=slot.question_id) if slot.question_id else "",
        category=CATEGORY.format(bank=slot.bank_id, category=slot.category_id) if slot.category_id else "",
        include_subcategories=slot.include_subcategories,
    )


def quiz_to_proto(quiz: Quiz, *, teacher: bool) -> pb.Quiz:
    """A learner's view leaves out the sections, the password, the ranges and the rules."""
    s = quiz.settings
    message = pb.Quiz(
        name=QUIZ.format(quiz=quiz.id),
        course=COURSE.format(course=quiz.course_id),
        title=quiz.title,
        time_limit_seconds=s.time_limit_s,
        expiry_action=EXPIRY_PB[s.expiry],
        grace_period_seconds=s.grace_s,
        attempts_allowed=s.attempts_allowed,
        delay_between_attempts_seconds=s.delay_between_attempts_s,
        grading_method=GRADING_PB[s.grading_method],
        pass_percent=s.pass_percent,
        navigation=NAVIGATION_PB[s.navigation],
        review=pb.ReviewOptions(
            marks=REVIEW_PB[s.review.marks],
            feedback=REVIEW_PB[s.review.feedback],
            correct_answers=REVIEW_PB[s.review.correct_answers],
        ),
        lecture=LECTURE.format(course=quiz.course_id, lecture=s.lecture_id) if s.lecture_id else "",
        password_required=bool(s.password),
        state=pb.QUIZ_STATE_PUBLISHED if quiz.state is QuizState.PUBLISHED else pb.QUIZ_STATE_DRAFT,
        create_time=timestamp(quiz.created_at),
    )
    if s.open_at:
        message.open_time.CopyFrom(timestamp(s.open_at))
    if s.close_at:
        message.close_time.CopyFrom(timestamp(s.close_at))
    if quiz.published_at:
        message.publish_time.CopyFrom(timestamp(quiz.published_at))
    if teacher:
        message.sections.extend(
            pb.QuizSection(title=sec.title, shuffle=sec.shuffle, slots=[_slot_to_proto(x) for x in sec.slots])
            for sec in quiz.sections
        )
        message.ip_ranges.extend(s.ip_ranges)
        i = s.integrity
        message.integrity.CopyFrom(
            pb.IntegrityRules(
                max_tab_switches=i.max_tab_switches,
                max_copy_paste=i.max_copy_paste,
                flag_second_session=i.flag_second_session,
                flag_ip_change=i.flag_ip_change,
                flag_fullscreen_exit=i.flag_fullscreen_exit,
            )
        )
    return message


def override_from_proto(message: pb.Override) -> Override:
    quiz_id, user_id = OVERRIDE.ids(message.name)
    return Override(
        quiz_id,
        user_id,
        message.extra_time_seconds,
        message.extra_attempts,
        from_timestamp(message, "close_time"),
    )


def override_to_proto(override: Override) -> pb.Override:
    message = pb.Override(
        name=OVERRIDE.format(quiz=override.quiz_id, user=override.user_id),
        extra_time_seconds=override.extra_time_s,
        extra_attempts=override.extra_attempts,
    )
    if override.close_at:
        message.close_time.CopyFrom(timestamp(override.close_at))
    return message
