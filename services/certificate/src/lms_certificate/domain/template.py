"""Templates: where each piece of certified data goes on the page. A template is
checked when it is saved, so issuing never meets an unknown field or a missing font."""

from __future__ import annotations

import enum
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime

from lms_certificate.domain.errors import TemplateInvalid
from lms_kit.domain import Aggregate, FieldViolation


class Orientation(enum.Enum):
    LANDSCAPE = "landscape"
    PORTRAIT = "portrait"


class PageSize(enum.Enum):
    A4 = "a4"
    LETTER = "letter"

    @property
    def portrait_mm(self) -> tuple[float, float]:
        return (210.0, 297.0) if self is PageSize.A4 else (215.9, 279.4)


FIELD_KINDS = frozenset(
    {
        "learner_name",
        "course_title",
        "completion_date",
        "hours",
        "grade",
        "teacher_signature",
        "certificate_id",
        "qr_code",
        "logo",
        "text",
    }
)
ALIGNMENTS = frozenset({"left", "center", "right"})
DEFAULT_FONT = "Noto Sans"
DEFAULT_SIZE = 14.0
IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")


@dataclass(frozen=True, slots=True)
class Placement:
    kind: str
    x_mm: float
    y_mm: float
    size: float = DEFAULT_SIZE
    align: str = "center"
    text: str = ""


@dataclass(eq=True)
class Template(Aggregate):
    id: str
    course_id: str  # empty: platform-wide
    display_name: str
    orientation: Orientation
    page_size: PageSize
    font_family: str
    placements: list[Placement]
    signature_image: bytes
    created_at: datetime
    updated_at: datetime
    logo_image: bytes = b""
    background_image: bytes = b""
    created_by: str = ""
    request_id: str | None = field(default=None, compare=False)

    @property
    def page_mm(self) -> tuple[float, float]:
        width, height = self.page_size.portrait_mm
        return (height, width) if self.orientation is Orientation.LANDSCAPE else (width, height)

    def check(self, fonts: Collection[str], prefix: str = "template.") -> None:
        """Refuse the template with every problem at once (field paths as in the request)."""
        violations: list[FieldViolation] = []
        if not self.display_name.strip():
            violations.append(
                FieldViolation(f"{prefix}display_name", "a template needs a name", "TEMPLATE_VALUE_INVALID")
            )
        if self.font_family not in fonts:
            known = ", ".join(sorted(fonts))
            violations.append(
                FieldViolation(
                    f"{prefix}font_family",
                    f"no font {self.font_family!r} is installed; use one of: {known}",
                    "TEMPLATE_FONT_MISSING",
                )
            )
        for name, image in (
            ("signature_image", self.signature_image),
            ("logo_image", self.logo_image),
            ("background_image", self.background_image),
        ):
            if image and not image.startswith(IMAGE_MAGIC):
                violations.append(
                    FieldViolation(
                        f"{prefix}{name}", "the image must be a PNG or JPEG", "TEMPLATE_VALUE_INVALID"
                    )
                )
        width, height = self.page_mm
        for n, placement in enumerate(self.placements):
            path = f"{prefix}fields[{n}]"
            if placement.kind not in FIELD_KINDS:
                violations.append(
                    FieldViolation(
                        f"{path}.kind",
                        f"unknown field {placement.kind!r}; known: {', '.join(sorted(FIELD_KINDS))}",
                        "TEMPLATE_FIELD_UNKNOWN",
                    )
                )
            if not (0 <= placement.x_mm <= width and 0 <= placement.y_mm <= height):
                violations.append(
                    FieldViolation(f"{path}.x_mm", "the field is off the page", "TEMPLATE_VALUE_INVALID")
                )
            if placement.align not in ALIGNMENTS:
                violations.append(
                    FieldViolation(
                        f"{path}.align", "align is left, center or right", "TEMPLATE_VALUE_INVALID"
                    )
                )
            if not 0 < placement.size <= 200:
                violations.append(
                    FieldViolation(
                        f"{path}.size", "size is above 0 and at most 200", "TEMPLATE_VALUE_INVALID"
                    )
                )
        if violations:
            raise TemplateInvalid(violations)


def default_template(now: datetime) -> Template:
    """The built-in layout, used when neither the course nor the platform has one."""
    return Template(
        id="",
        course_id="",
        display_name="Built-in",
        orientation=Orientation.LANDSCAPE,
        page_size=PageSize.A4,
        font_family=DEFAULT_FONT,
        placements=[
            Placement("text", 148.5, 170, 30, text="Certificate of Completion"),
            Placement("text", 148.5, 145, 14, text="This certifies that"),
            Placement("learner_name", 148.5, 125, 28),
            Placement("text", 148.5, 108, 14, text="has completed"),
            Placement("course_title", 148.5, 92, 20),
            Placement("completion_date", 148.5, 75, 12),
            Placement("hours", 148.5, 66, 12),
            Placement("grade", 148.5, 57, 12),
            Placement("teacher_signature", 60, 25, 18),
            Placement("qr_code", 230, 18, 32),
            Placement("certificate_id", 148.5, 12, 9),
        ],
        signature_image=b"",
        created_at=now,
        updated_at=now,
    )


@dataclass(frozen=True, slots=True)
class Printed:
    """The values a template's fields show."""

    certificate_id: str
    learner_name: str
    course_title: str
    completed_at: datetime
    hours: float
    grade: str
    verification_url: str
    issuer_name: str

    def text_of(self, placement: Placement) -> str:
        match placement.kind:
            case "learner_name":
                return self.learner_name
            case "course_title":
                return self.course_title
            case "completion_date":
                return f"Completed on {self.completed_at:%d %B %Y}"
            case "hours":
                return f"{self.hours:g} hours" if self.hours else ""
            case "grade":
                return f"Grade: {self.grade}" if self.grade else ""
            case "certificate_id":
                return f"Certificate {self.certificate_id} · verify at {self.verification_url}"
            case "text":
                return placement.text
        return ""
