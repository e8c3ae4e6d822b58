"""The course service's enumerations (states, kinds, sources), shared by the model and
its events."""

from __future__ import annotations

import enum


class CourseState(enum.Enum):
    DRAFT = "draft"
    PUBLISHED = "published"
    ARCHIVED = "archived"


class Level(enum.Enum):
    UNSPECIFIED = "unspecified"
    BEGINNER = "beginner"
    INTERMEDIATE = "intermediate"
    ADVANCED = "advanced"
    ALL_LEVELS = "all_levels"


class LectureKind(enum.Enum):
    NONE = "none"
    VIDEO = "video"
    ARTICLE = "article"
    ATTACHMENT = "attachment"
    QUIZ = "quiz"


class EnrollmentState(enum.Enum):
    ACTIVE = "active"
    CANCELLED = "cancelled"
    REVOKED = "revoked"


class EnrollmentSource(enum.Enum):
    FREE = "free"
    PAID = "paid"
    SUBSCRIPTION = "subscription"  # a paid course a subscription of the learner's opens
