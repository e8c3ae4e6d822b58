"""Who may act on a course: its teachers (and administrators) and its enrolled learners,
as the course service knows them."""

from __future__ import annotations

from lms_assessment.domain.errors import NotEnrolled, NotTeacher
from lms_assessment.handlers.ports import CourseDirectory
from lms_kit.domain import Actor


class CourseGate:
    def __init__(self, courses: CourseDirectory) -> None:
        self._courses = courses

    async def teaches(self, actor: Actor, course_id: str) -> bool:
        if actor.is_admin:
            return True
        if not course_id or not actor.user_id:
            return False
        return (await self._courses.roles(actor, course_id)).teaches

    async def require_teacher(self, actor: Actor, course_id: str) -> None:
        if not await self.teaches(actor, course_id):
            raise NotTeacher(course_id or "shared")

    async def require_learner(self, actor: Actor, course_id: str) -> None:
        """Enrolled learners (and the course's teachers, who may try their quiz)."""
        if actor.is_admin:
            return
        roles = await self._courses.roles(actor, course_id)
        if not (roles.enrolled or roles.teaches):
            raise NotEnrolled(course_id)
