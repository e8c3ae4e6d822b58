"""lms.certificate.v1.CertificateService: one short method per RPC (proto -> handler -> proto).

The kit's pipeline has already authenticated the caller, enforced the RPC's access policy
and checked the contract's field rules before a method runs.
"""

from __future__ import annotations

import json

from lms.certificate.v1 import certificate_pb2 as pb
from lms.certificate.v1 import certificate_pb2_grpc
from lms_certificate import mappers
from lms_certificate.handlers import Issuance, Queries, TemplateHandlers
from lms_certificate.mappers import CERTIFICATE, COURSE, TEMPLATE, USER, Links
from lms_kit.caller import actor
from lms_kit.paging import Pager

PDF_CHUNK = 16 * 1024  # under the gateway's 32 KiB per-connection buffer


def _key(item) -> tuple[str, str]:
    return (getattr(item, "issued_at", None) or item.created_at).isoformat(), item.id


class CertificateServicer(certificate_pb2_grpc.CertificateServiceServicer):
    def __init__(
        self,
        issuance: Issuance,
        queries: Queries,
        templates: TemplateHandlers,
        links: Links,
        *,
        page_max: int,
    ) -> None:
        self._issuance = issuance
        self._queries = queries
        self._templates = templates
        self._links = links
        self._page_max = page_max

    def _page(self, request, found) -> pb.ListCertificatesResponse:
        pager = Pager(request, maximum=self._page_max)
        return pb.ListCertificatesResponse(
            certificates=[self._links.certificate_to_proto(c) for c in found[: pager.size]],
            next_page_token=pager.next_token(found, _key),
        )

    # -- templates

    async def CreateTemplate(self, request, context):
        template = await self._templates.create(
            actor(), mappers.template_from_proto(request.template), request_id=request.request_id or None
        )
        return mappers.template_to_proto(template)

    async def UpdateTemplate(self, request, context):
        (template_id,) = TEMPLATE.ids(request.template.name, "template.name")
        changed = await self._templates.update(actor(), template_id, mappers.template_changes(request))
        return mappers.template_to_proto(changed)

    async def GetTemplate(self, request, context):
        (template_id,) = TEMPLATE.ids(request.name)
        return mappers.template_to_proto(await self._templates.get(template_id))

    async def ListTemplates(self, request, context):
        pager = Pager(request, maximum=self._page_max)
        course_id = COURSE.ids(request.course, "course")[0] if request.course else ""
        found = await self._templates.list(course_id, pager.after_time(), pager.size + 1)
        return pb.ListTemplatesResponse(
            templates=[mappers.template_to_proto(t) for t in found[: pager.size]],
            next_page_token=pager.next_token(found, _key),
        )

    async def PreviewTemplate(self, request, context):
        (template_id,) = TEMPLATE.ids(request.name)
        pdf = await self._templates.preview(
            template_id, learner_name=request.learner_name, course_title=request.course_title
        )
        return mappers.http_body("application/pdf", pdf)

    # -- certificates

    async def GetCertificate(self, request, context):
        (certificate_id,) = CERTIFICATE.ids(request.name)
        return self._links.certificate_to_proto(await self._queries.get(actor(), certificate_id))

    async def ListMyCertificates(self, request, context):
        pager = Pager(request, maximum=self._page_max)
        found = await self._queries.list_mine(actor(), pager.after_time(), pager.size + 1)
        return self._page(request, found)

    async def ListCourseCertificates(self, request, context):
        pager = Pager(request, maximum=self._page_max)
        (course_id,) = COURSE.ids(request.course, "course")
        found = await self._queries.list_course(actor(), course_id, pager.after_time(), pager.size + 1)
        return self._page(request, found)

    async def SearchCertificates(self, request, context):
        pager = Pager(request, maximum=self._page_max)
        state = mappers.state_from_proto(request.state)
        found = await self._queries.search(request.query, state, pager.after_time(), pager.size + 1)
        return self._page(request, found)

    async def IssueCertificate(self, request, context):
        (user_id,) = USER.ids(request.user, "user")
        (course_id,) = COURSE.ids(request.course, "course")
        certificate = await self._issuance.issue(
            actor(), user_id, course_id, learner_name=request.learner_name, grade=request.grade
        )
        return self._links.certificate_to_proto(certificate)

    async def ReissueCertificate(self, request, context):
        (certificate_id,) = CERTIFICATE.ids(request.name)
        certificate = await self._issuance.reissue(actor(), certificate_id, request.learner_name)
        return self._links.certificate_to_proto(certificate)

    async def RevokeCertificate(self, request, context):
        (certificate_id,) = CERTIFICATE.ids(request.name)
        certificate = await self._issuance.revoke(actor(), certificate_id, request.reason)
        return self._links.certificate_to_proto(certificate)

    async def DownloadCertificatePdf(self, request, context):
        (certificate_id,) = CERTIFICATE.ids(request.name)
        pdf = await self._queries.pdf(actor(), certificate_id)
        for start in range(0, len(pdf), PDF_CHUNK):
            yield mappers.http_body("application/pdf", pdf[start : start + PDF_CHUNK])

    async def GetCredential(self, request, context):
        (certificate_id,) = CERTIFICATE.ids(request.name)
        signed = await self._queries.credential(actor(), certificate_id)
        return pb.Credential(vc_jwt=signed.vc_jwt, credential_json=signed.credential_json)

    # -- public

    async def VerifyCertificate(self, request, context):
        (certificate_id,) = CERTIFICATE.ids(request.name)
        return self._links.verification_to_proto(await self._queries.verify(certificate_id))

    async def VerifyCertificatePdf(self, request, context):
        return self._links.pdf_check_to_proto(await self._queries.verify_pdf(request.pdf.data))

    async def GetStatusList(self, request, context):
        return mappers.http_body("application/vc+jwt", (await self._queries.status_list()).encode())

    async def GetIssuerProfile(self, request, context):
        profile = json.dumps(self._queries.issuer_profile()).encode()
        return mappers.http_body("application/ld+json", profile)

    async def GetIssuerKeys(self, request, context):
        keys = json.dumps(self._queries.issuer_keys()).encode()
        return mappers.http_body("application/jwk-set+json", keys)
