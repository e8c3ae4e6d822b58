"""Templates: refused at save time for an unknown field or a missing font (every problem at
once), kept per course for its teachers, previewed with sample data, and used for the
course's next certificate with its orientation and page size."""

from __future__ import annotations

import io
import uuid

import grpc
import pytest
from google.protobuf import field_mask_pb2
from PIL import Image
from pypdf import PdfReader

from lms.certificate.v1 import certificate_pb2 as pb
from lms_kit.testing.harness import error_reason, field_violations

from ..support import download, pdf_text


def png(size: tuple[int, int], colour: tuple[int, int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="PNG")
    return out.getvalue()


PORTRAIT = pb.Template(
    display_name="Portrait letter",
    orientation=pb.ORIENTATION_PORTRAIT,
    page_size=pb.PAGE_SIZE_LETTER,
    font_family="Noto Serif",
    fields=[
        pb.TemplateField(kind="text", x_mm=108, y_mm=230, size=26, text="Zertifikat"),
        pb.TemplateField(kind="learner_name", x_mm=108, y_mm=180, size=24),
        pb.TemplateField(kind="course_title", x_mm=108, y_mm=150, size=18),
        pb.TemplateField(kind="teacher_signature", x_mm=40, y_mm=40, size=15, align="left"),
        pb.TemplateField(kind="qr_code", x_mm=170, y_mm=30, size=30),
        pb.TemplateField(kind="certificate_id", x_mm=108, y_mm=15, size=8),
        pb.TemplateField(kind="logo", x_mm=108, y_mm=250, size=15),
    ],
    signature_image=png((120, 40), (20, 20, 120)),
    logo_image=png((60, 60), (200, 30, 30)),
    background_image=png((85, 110), (250, 245, 230)),
)


async def fails(call) -> grpc.aio.AioRpcError:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await call
    return caught.value


async def test_unknown_fields_and_missing_fonts_are_refused_at_save_time(stub, token_mint):
    admin = token_mint.bearer("admin-t", roles=["admin"])
    bad = pb.Template(
        display_name="Broken",
        font_family="Comic Sans MS",
        fields=[
            pb.TemplateField(kind="learner_name", x_mm=10, y_mm=10),
            pb.TemplateField(kind="learner_email"),
        ],
    )
    error = await fails(stub.CreateTemplate(pb.CreateTemplateRequest(template=bad), metadata=admin))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert field_violations(error) == {
        "template.font_family": "TEMPLATE_FONT_MISSING",
        "template.fields[1].kind": "TEMPLATE_FIELD_UNKNOWN",
    }
    off_page = pb.Template(display_name="Off", fields=[pb.TemplateField(kind="grade", x_mm=900, y_mm=10)])
    error = await fails(stub.CreateTemplate(pb.CreateTemplateRequest(template=off_page), metadata=admin))
    assert field_violations(error) == {"template.fields[0].x_mm": "TEMPLATE_VALUE_INVALID"}
    listed = await stub.ListTemplates(pb.ListTemplatesRequest(), metadata=admin)
    assert "Broken" not in [t.display_name for t in listed.templates]


async def test_a_course_template_is_its_teachers_and_shapes_the_next_certificate(
    stub, token_mint, people, tmp_path
):
    directory, _ = people
    course_id, teacher, user_id = f"c-{uuid.uuid4()}", f"t-{uuid.uuid4()}", f"u-{uuid.uuid4()}"
    directory.course(course_id, "Kryptographie", owner=teacher)
    directory.names[user_id] = "Émilie du Châtelet"
    auth = token_mint.bearer(teacher, roles=["teacher"])
    draft = pb.Template()
    draft.CopyFrom(PORTRAIT)
    draft.course = f"courses/{course_id}"
    request_id = str(uuid.uuid4())
    created = await stub.CreateTemplate(
        pb.CreateTemplateRequest(template=draft, request_id=request_id), metadata=auth
    )
    retried = await stub.CreateTemplate(
        pb.CreateTemplateRequest(template=draft, request_id=request_id), metadata=auth
    )
    assert retried.name == created.name

    stranger = token_mint.bearer("t-stranger", roles=["teacher"])
    denied = await fails(stub.CreateTemplate(pb.CreateTemplateRequest(template=draft), metadata=stranger))
    assert error_reason(denied) == "NOT_COURSE_TEACHER"
    platform_wide = await fails(
        stub.CreateTemplate(pb.CreateTemplateRequest(template=PORTRAIT), metadata=auth)
    )
    assert platform_wide.code() == grpc.StatusCode.PERMISSION_DENIED

    renamed = await stub.UpdateTemplate(
        pb.UpdateTemplateRequest(
            template=pb.Template(name=created.name, display_name="Portrait, renamed", font_family="Nope"),
            update_mask=field_mask_pb2.FieldMask(paths=["display_name"]),
        ),
        metadata=auth,
    )
    assert (renamed.display_name, renamed.font_family) == ("Portrait, renamed", "Noto Serif")
    refused = await fails(
        stub.UpdateTemplate(
            pb.UpdateTemplateRequest(
                template=pb.Template(name=created.name, font_family="Nope"),
                update_mask=field_mask_pb2.FieldMask(paths=["font_family"]),
            ),
            metadata=auth,
        )
    )
    assert field_violations(refused) == {"template.font_family": "TEMPLATE_FONT_MISSING"}

    preview = await stub.PreviewTemplate(
        pb.PreviewTemplateRequest(name=created.name, learner_name="Sample Person"), metadata=auth
    )
    assert preview.content_type == "application/pdf"
    assert "Sample Person" in pdf_text(preview.data, tmp_path)

    issued = await stub.IssueCertificate(
        pb.IssueCertificateRequest(user=f"users/{user_id}", course=f"courses/{course_id}"), metadata=auth
    )
    assert issued.template == created.name
    pdf = await download(stub, issued.name, auth)
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (612, 792)
    text = pdf_text(pdf, tmp_path)
    assert "Zertifikat" in text and "Émilie du Châtelet" in text
    assert len(page.images) == 3  # background, signature, logo
    listed = await stub.ListTemplates(pb.ListTemplatesRequest(course=f"courses/{course_id}"), metadata=auth)
    assert [t.name for t in listed.templates] == [created.name]
