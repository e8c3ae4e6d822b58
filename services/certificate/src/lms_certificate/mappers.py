"""proto <-> domain: the only module (with lms_kit.proto) where both worlds meet."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from google.api import httpbody_pb2
from google.protobuf.message import Message

from lms.certificate.v1 import certificate_pb2 as pb
from lms.certificate.v1 import events_pb2
from lms_certificate.domain import linkedin
from lms_certificate.domain.certificate import (
    Certificate,
    CertificateIssued,
    CertificateRevoked,
    CertificateSuperseded,
    State,
)
from lms_certificate.domain.template import DEFAULT_SIZE, Orientation, PageSize, Placement, Template
from lms_certificate.handlers import PdfCheck
from lms_kit.proto import ResourceName, last_id, timestamp, update_mask

CERTIFICATE = ResourceName("certificates/{certificate}")
TEMPLATE = ResourceName("templates/{template}")
COURSE = ResourceName("courses/{course}")
USER = ResourceName("users/{user}")

_STATES = {
    State.VALID: pb.CERTIFICATE_STATE_VALID,
    State.REVOKED: pb.CERTIFICATE_STATE_REVOKED,
    State.SUPERSEDED: pb.CERTIFICATE_STATE_SUPERSEDED,
}
_STATES_BACK = {v: k for k, v in _STATES.items()}
_ORIENTATIONS = {
    Orientation.LANDSCAPE: pb.ORIENTATION_LANDSCAPE,
    Orientation.PORTRAIT: pb.ORIENTATION_PORTRAIT,
}
_ORIENTATIONS_BACK = {v: k for k, v in _ORIENTATIONS.items()}
_SIZES = {PageSize.A4: pb.PAGE_SIZE_A4, PageSize.LETTER: pb.PAGE_SIZE_LETTER}
_SIZES_BACK = {v: k for k, v in _SIZES.items()}
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
TEMPLATE_FIELDS = (
    "display_name",
    "orientation",
    "page_size",
    "font_family",
    "fields",
    "signature_image",
    "logo_image",
    "background_image",
)


def state_from_proto(value: int) -> State | None:
    return _STATES_BACK.get(value)


def _name(certificate_id: str) -> str:
    return CERTIFICATE.format(certificate=certificate_id) if certificate_id else ""


class Links:
    """The public URLs of a certificate (verification page, LinkedIn)."""

    def __init__(self, verification_page: str, issuer_name: str) -> None:
        self.verification_page = verification_page
        self.issuer_name = issuer_name

    def certificate_to_proto(self, certificate: Certificate) -> pb.Certificate:
        data = certificate.data
        page = self.verification_page.format(id=certificate.id)
        return pb.Certificate(
            name=_name(certificate.id),
            user=USER.format(user=certificate.user_id),
            course=COURSE.format(course=certificate.course_id),
            learner_name=data.learner_name,
            course_title=data.course_title,
            complete_time=timestamp(data.completed_at),
            issue_time=timestamp(certificate.issued_at),
            hours=data.hours,
            grade=data.grade,
            state=_STATES[certificate.state],
            revocation_reason=certificate.revocation_reason,
            state_time=timestamp(certificate.state_changed_at),
            superseded_by=_name(certificate.superseded_by),
            supersedes=_name(certificate.supersedes),
            template=TEMPLATE.format(template=certificate.template_id) if certificate.template_id else "",
            verification_url=page,
            linkedin_add_to_profile_url=linkedin.add_to_profile_url(
                certification=data.course_title,
                organization=self.issuer_name,
                issued_at=certificate.issued_at,
                certificate_url=page,
                certificate_id=certificate.id,
            ),
            linkedin_share_url=linkedin.share_url(page),
            pdf_sha256=certificate.pdf_sha256,
        )

    def verification_to_proto(self, certificate: Certificate) -> pb.Verification:
        """What anyone may see: no user id, no email."""
        data = certificate.data
        return pb.Verification(
            name=_name(certificate.id),
            state=_STATES[certificate.state],
            learner_name=data.learner_name,
            course_title=data.course_title,
            issuer_name=self.issuer_name,
            complete_time=timestamp(data.completed_at),
            issue_time=timestamp(certificate.issued_at),
            hours=data.hours,
            grade=data.grade,
            revocation_reason=certificate.revocation_reason,
            state_time=timestamp(certificate.state_changed_at),
            superseded_by=_name(certificate.superseded_by),
        )

    def pdf_check_to_proto(self, check: PdfCheck) -> pb.PdfVerification:
        reply = pb.PdfVerification(
            valid=check.valid,
            signature_intact=check.signature_intact,
            issued_here=check.certificate is not None,
        )
        if check.certificate is not None:
            reply.certificate.CopyFrom(self.verification_to_proto(check.certificate))
        return reply


def http_body(content_type: str, data: bytes) -> httpbody_pb2.HttpBody:
    return httpbody_pb2.HttpBody(content_type=content_type, data=data)


def _placement(field: pb.TemplateField) -> Placement:
    return Placement(
        kind=field.kind,
        x_mm=field.x_mm,
        y_mm=field.y_mm,
        size=field.size or DEFAULT_SIZE,
        align=field.align or "center",
        text=field.text,
    )


def template_from_proto(message: pb.Template) -> Template:
    """A draft: id, times and creator are the handler's."""
    return Template(
        id="",
        course_id=last_id(message.course),
        display_name=message.display_name,
        orientation=_ORIENTATIONS_BACK.get(message.orientation, Orientation.LANDSCAPE),
        page_size=_SIZES_BACK.get(message.page_size, PageSize.A4),
        font_family=message.font_family or "Noto Sans",
        placements=[_placement(f) for f in message.fields],
        signature_image=message.signature_image,
        logo_image=message.logo_image,
        background_image=message.background_image,
        created_at=_EPOCH,
        updated_at=_EPOCH,
    )


def template_changes(request: pb.UpdateTemplateRequest) -> dict[str, Any]:
    """The domain fields an UpdateTemplate changes (AIP-134)."""
    paths = update_mask(request, request.template, TEMPLATE_FIELDS, mask_field="update_mask")
    draft = template_from_proto(request.template)
    renamed = {"fields": "placements"}
    return {renamed.get(p, p): getattr(draft, renamed.get(p, p)) for p in paths}


def template_to_proto(template: Template) -> pb.Template:
    return pb.Template(
        name=TEMPLATE.format(template=template.id),
        course=COURSE.format(course=template.course_id) if template.course_id else "",
        display_name=template.display_name,
        orientation=_ORIENTATIONS[template.orientation],
        page_size=_SIZES[template.page_size],
        font_family=template.font_family,
        fields=[
            pb.TemplateField(kind=p.kind, x_mm=p.x_mm, y_mm=p.y_mm, size=p.size, align=p.align, text=p.text)
            for p in template.placements
        ],
        signature_image=template.signature_image,
        logo_image=template.logo_image,
        background_image=template.background_image,
        create_time=timestamp(template.created_at),
        update_time=timestamp(template.updated_at),
    )


def event_to_proto(event: object) -> Message:
    match event:
        case CertificateIssued():
            return events_pb2.CertificateIssued(
                certificate_id=event.certificate_id,
                user_id=event.user_id,
                course_id=event.course_id,
                learner_name=event.learner_name,
                course_title=event.course_title,
                supersedes_id=event.supersedes_id,
                verification_url=event.verification_url,
                issue_time=timestamp(event.issued_at),
            )
        case CertificateRevoked():
            return events_pb2.CertificateRevoked(
                certificate_id=event.certificate_id,
                user_id=event.user_id,
                course_id=event.course_id,
                reason=event.reason,
                revoke_time=timestamp(event.revoked_at),
            )
        case CertificateSuperseded():
            return events_pb2.CertificateSuperseded(
                certificate_id=event.certificate_id,
                user_id=event.user_id,
                course_id=event.course_id,
                superseded_by_id=event.superseded_by_id,
                supersede_time=timestamp(event.superseded_at),
            )
    raise TypeError(f"no proto for domain event {type(event).__name__}")
