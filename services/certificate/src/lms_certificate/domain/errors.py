"""The certificate service's errors: kit categories with this service's reasons
(lms.certificate.v1.ErrorReason)."""

from __future__ import annotations

from lms_kit.domain import Denied, FieldViolation, Invalid, NotFound, Precondition, Unavailable


class CertificateNotFound(NotFound):
    def __init__(self, certificate_id: str) -> None:
        name = f"certificates/{certificate_id}"
        super().__init__("CERTIFICATE_NOT_FOUND", f"{name} not found", metadata={"name": name})


class TemplateNotFound(NotFound):
    def __init__(self, template_id: str) -> None:
        name = f"templates/{template_id}"
        super().__init__("TEMPLATE_NOT_FOUND", f"{name} not found", metadata={"name": name})


class SubjectNotFound(NotFound):
    def __init__(self, what: str) -> None:
        super().__init__("SUBJECT_NOT_FOUND", f"{what} not found", metadata={"name": what})


class NotCourseTeacher(Denied):
    def __init__(self, course_id: str) -> None:
        super().__init__(
            "NOT_COURSE_TEACHER",
            f"only administrators and teachers of courses/{course_id} may do this",
            metadata={"course": f"courses/{course_id}"},
        )


class CertificateNotCurrent(Precondition):
    def __init__(self, certificate_id: str, state: str) -> None:
        super().__init__(
            "CERTIFICATE_NOT_CURRENT",
            f"certificates/{certificate_id} is {state}; only a valid certificate can be reissued",
        )


class UpstreamUnavailable(Unavailable):
    def __init__(self, message: str) -> None:
        super().__init__("UPSTREAM_UNAVAILABLE", message)


class TemplateInvalid(Invalid):
    """Every problem of a template at once; the reason is the first violation's."""

    def __init__(self, violations: list[FieldViolation]) -> None:
        super().__init__(violations, reason=violations[0].reason)


class LearnerNameBlank(Invalid):
    def __init__(self, field: str = "learner_name") -> None:
        super().__init__(
            [FieldViolation(field, "a certificate needs a name, not only spaces", "TEMPLATE_VALUE_INVALID")],
            reason="TEMPLATE_VALUE_INVALID",
        )


class PdfTooLarge(Invalid):
    def __init__(self, limit: int) -> None:
        super().__init__(
            [FieldViolation("pdf", f"a certificate PDF is at most {limit} bytes", "PDF_TOO_LARGE")],
            reason="PDF_TOO_LARGE",
        )
