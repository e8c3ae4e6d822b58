"""Who may act on a course's certificates and templates: administrators and the course's
teachers (its owner and co-instructors, as the course service knows them)."""

from __future__ import annotations

from lms_certificate.domain.errors import NotCourseTeacher
from lms_certificate.handlers.ports import CourseFacts, Directory
from lms_kit.domain import Actor


async def require_teacher(actor: Actor, directory: Directory, course_id: str) -> CourseFacts:
    """The course's facts, once the caller is shown to be an administrator or its teacher."""
    course = await directory.course(course_id)
    if not (actor.is_admin or actor.user_id in course.teacher_ids):
        raise NotCourseTeacher(course_id)
    return course


async def is_teacher(actor: Actor, directory: Directory, course_id: str) -> bool:
    if actor.is_admin:
        return True
    if not actor.is_teacher:
        return False
    return actor.user_id in (await directory.course(course_id)).teacher_ids
