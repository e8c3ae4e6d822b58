import datetime

from google.api import annotations_pb2 as _annotations_pb2
from google.api import field_behavior_pb2 as _field_behavior_pb2
from google.api import httpbody_pb2 as _httpbody_pb2
from google.protobuf import field_mask_pb2 as _field_mask_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from lms.options.v1 import options_pb2 as _options_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Orientation(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ORIENTATION_UNSPECIFIED: _ClassVar[Orientation]
    ORIENTATION_LANDSCAPE: _ClassVar[Orientation]
    ORIENTATION_PORTRAIT: _ClassVar[Orientation]

class PageSize(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PAGE_SIZE_UNSPECIFIED: _ClassVar[PageSize]
    PAGE_SIZE_A4: _ClassVar[PageSize]
    PAGE_SIZE_LETTER: _ClassVar[PageSize]

class CertificateState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CERTIFICATE_STATE_UNSPECIFIED: _ClassVar[CertificateState]
    CERTIFICATE_STATE_VALID: _ClassVar[CertificateState]
    CERTIFICATE_STATE_REVOKED: _ClassVar[CertificateState]
    CERTIFICATE_STATE_SUPERSEDED: _ClassVar[CertificateState]

class ErrorReason(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ERROR_REASON_UNSPECIFIED: _ClassVar[ErrorReason]
    CERTIFICATE_NOT_FOUND: _ClassVar[ErrorReason]
    TEMPLATE_NOT_FOUND: _ClassVar[ErrorReason]
    TEMPLATE_FIELD_UNKNOWN: _ClassVar[ErrorReason]
    TEMPLATE_FONT_MISSING: _ClassVar[ErrorReason]
    TEMPLATE_VALUE_INVALID: _ClassVar[ErrorReason]
    NOT_COURSE_TEACHER: _ClassVar[ErrorReason]
    CERTIFICATE_NOT_CURRENT: _ClassVar[ErrorReason]
    SUBJECT_NOT_FOUND: _ClassVar[ErrorReason]
    UPSTREAM_UNAVAILABLE: _ClassVar[ErrorReason]
    PDF_TOO_LARGE: _ClassVar[ErrorReason]
ORIENTATION_UNSPECIFIED: Orientation
ORIENTATION_LANDSCAPE: Orientation
ORIENTATION_PORTRAIT: Orientation
PAGE_SIZE_UNSPECIFIED: PageSize
PAGE_SIZE_A4: PageSize
PAGE_SIZE_LETTER: PageSize
CERTIFICATE_STATE_UNSPECIFIED: CertificateState
CERTIFICATE_STATE_VALID: CertificateState
CERTIFICATE_STATE_REVOKED: CertificateState
CERTIFICATE_STATE_SUPERSEDED: CertificateState
ERROR_REASON_UNSPECIFIED: ErrorReason
CERTIFICATE_NOT_FOUND: ErrorReason
TEMPLATE_NOT_FOUND: ErrorReason
TEMPLATE_FIELD_UNKNOWN: ErrorReason
TEMPLATE_FONT_MISSING: ErrorReason
TEMPLATE_VALUE_INVALID: ErrorReason
NOT_COURSE_TEACHER: ErrorReason
CERTIFICATE_NOT_CURRENT: ErrorReason
SUBJECT_NOT_FOUND: ErrorReason
UPSTREAM_UNAVAILABLE: ErrorReason
PDF_TOO_LARGE: ErrorReason

class TemplateField(_message.Message):
    __slots__ = ("kind", "x_mm", "y_mm", "size", "align", "text")
    KIND_FIELD_NUMBER: _ClassVar[int]
    X_MM_FIELD_NUMBER: _ClassVar[int]
    Y_MM_FIELD_NUMBER: _ClassVar[int]
    SIZE_FIELD_NUMBER: _ClassVar[int]
    ALIGN_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    kind: str
    x_mm: float
    y_mm: float
    size: float
    align: str
    text: str
    def __init__(self, kind: _Optional[str] = ..., x_mm: _Optional[float] = ..., y_mm: _Optional[float] = ..., size: _Optional[float] = ..., align: _Optional[str] = ..., text: _Optional[str] = ...) -> None: ...

class Template(_message.Message):
    __slots__ = ("name", "course", "display_name", "orientation", "page_size", "font_family", "fields", "signature_image", "create_time", "update_time", "logo_image", "background_image")
    NAME_FIELD_NUMBER: _ClassVar[int]
    COURSE_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    ORIENTATION_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    FONT_FAMILY_FIELD_NUMBER: _ClassVar[int]
    FIELDS_FIELD_NUMBER: _ClassVar[int]
    SIGNATURE_IMAGE_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    LOGO_IMAGE_FIELD_NUMBER: _ClassVar[int]
    BACKGROUND_IMAGE_FIELD_NUMBER: _ClassVar[int]
    name: str
    course: str
    display_name: str
    orientation: Orientation
    page_size: PageSize
    font_family: str
    fields: _containers.RepeatedCompositeFieldContainer[TemplateField]
    signature_image: bytes
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    logo_image: bytes
    background_image: bytes
    def __init__(self, name: _Optional[str] = ..., course: _Optional[str] = ..., display_name: _Optional[str] = ..., orientation: _Optional[_Union[Orientation, str]] = ..., page_size: _Optional[_Union[PageSize, str]] = ..., font_family: _Optional[str] = ..., fields: _Optional[_Iterable[_Union[TemplateField, _Mapping]]] = ..., signature_image: _Optional[bytes] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., logo_image: _Optional[bytes] = ..., background_image: _Optional[bytes] = ...) -> None: ...

class CreateTemplateRequest(_message.Message):
    __slots__ = ("template", "request_id")
    TEMPLATE_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    template: Template
    request_id: str
    def __init__(self, template: _Optional[_Union[Template, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class UpdateTemplateRequest(_message.Message):
    __slots__ = ("template", "update_mask")
    TEMPLATE_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    template: Template
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, template: _Optional[_Union[Template, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class GetTemplateRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class ListTemplatesRequest(_message.Message):
    __slots__ = ("course", "page_size", "page_token")
    COURSE_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    course: str
    page_size: int
    page_token: str
    def __init__(self, course: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListTemplatesResponse(_message.Message):
    __slots__ = ("templates", "next_page_token")
    TEMPLATES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    templates: _containers.RepeatedCompositeFieldContainer[Template]
    next_page_token: str
    def __init__(self, templates: _Optional[_Iterable[_Union[Template, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class PreviewTemplateRequest(_message.Message):
    __slots__ = ("name", "learner_name", "course_title")
    NAME_FIELD_NUMBER: _ClassVar[int]
    LEARNER_NAME_FIELD_NUMBER: _ClassVar[int]
    COURSE_TITLE_FIELD_NUMBER: _ClassVar[int]
    name: str
    learner_name: str
    course_title: str
    def __init__(self, name: _Optional[str] = ..., learner_name: _Optional[str] = ..., course_title: _Optional[str] = ...) -> None: ...

class Certificate(_message.Message):
    __slots__ = ("name", "user", "course", "learner_name", "course_title", "complete_time", "issue_time", "hours", "grade", "state", "revocation_reason", "state_time", "superseded_by", "supersedes", "template", "verification_url", "linkedin_add_to_profile_url", "linkedin_share_url", "pdf_sha256")
    NAME_FIELD_NUMBER: _ClassVar[int]
    USER_FIELD_NUMBER: _ClassVar[int]
    COURSE_FIELD_NUMBER: _ClassVar[int]
    LEARNER_NAME_FIELD_NUMBER: _ClassVar[int]
    COURSE_TITLE_FIELD_NUMBER: _ClassVar[int]
    COMPLETE_TIME_FIELD_NUMBER: _ClassVar[int]
    ISSUE_TIME_FIELD_NUMBER: _ClassVar[int]
    HOURS_FIELD_NUMBER: _ClassVar[int]
    GRADE_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    REVOCATION_REASON_FIELD_NUMBER: _ClassVar[int]
    STATE_TIME_FIELD_NUMBER: _ClassVar[int]
    SUPERSEDED_BY_FIELD_NUMBER: _ClassVar[int]
    SUPERSEDES_FIELD_NUMBER: _ClassVar[int]
    TEMPLATE_FIELD_NUMBER: _ClassVar[int]
    VERIFICATION_URL_FIELD_NUMBER: _ClassVar[int]
    LINKEDIN_ADD_TO_PROFILE_URL_FIELD_NUMBER: _ClassVar[int]
    LINKEDIN_SHARE_URL_FIELD_NUMBER: _ClassVar[int]
    PDF_SHA256_FIELD_NUMBER: _ClassVar[int]
    name: str
    user: str
    course: str
    learner_name: str
    course_title: str
    complete_time: _timestamp_pb2.Timestamp
    issue_time: _timestamp_pb2.Timestamp
    hours: float
    grade: str
    state: CertificateState
    revocation_reason: str
    state_time: _timestamp_pb2.Timestamp
    superseded_by: str
    supersedes: str
    template: str
    verification_url: str
    linkedin_add_to_profile_url: str
    linkedin_share_url: str
    pdf_sha256: str
    def __init__(self, name: _Optional[str] = ..., user: _Optional[str] = ..., course: _Optional[str] = ..., learner_name: _Optional[str] = ..., course_title: _Optional[str] = ..., complete_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., issue_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., hours: _Optional[float] = ..., grade: _Optional[str] = ..., state: _Optional[_Union[CertificateState, str]] = ..., revocation_reason: _Optional[str] = ..., state_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., superseded_by: _Optional[str] = ..., supersedes: _Optional[str] = ..., template: _Optional[str] = ..., verification_url: _Optional[str] = ..., linkedin_add_to_profile_url: _Optional[str] = ..., linkedin_share_url: _Optional[str] = ..., pdf_sha256: _Optional[str] = ...) -> None: ...

class GetCertificateRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class ListMyCertificatesRequest(_message.Message):
    __slots__ = ("page_size", "page_token")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListCourseCertificatesRequest(_message.Message):
    __slots__ = ("course", "page_size", "page_token")
    COURSE_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    course: str
    page_size: int
    page_token: str
    def __init__(self, course: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class SearchCertificatesRequest(_message.Message):
    __slots__ = ("query", "state", "page_size", "page_token")
    QUERY_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    query: str
    state: CertificateState
    page_size: int
    page_token: str
    def __init__(self, query: _Optional[str] = ..., state: _Optional[_Union[CertificateState, str]] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListCertificatesResponse(_message.Message):
    __slots__ = ("certificates", "next_page_token")
    CERTIFICATES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    certificates: _containers.RepeatedCompositeFieldContainer[Certificate]
    next_page_token: str
    def __init__(self, certificates: _Optional[_Iterable[_Union[Certificate, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class IssueCertificateRequest(_message.Message):
    __slots__ = ("user", "course", "learner_name", "grade")
    USER_FIELD_NUMBER: _ClassVar[int]
    COURSE_FIELD_NUMBER: _ClassVar[int]
    LEARNER_NAME_FIELD_NUMBER: _ClassVar[int]
    GRADE_FIELD_NUMBER: _ClassVar[int]
    user: str
    course: str
    learner_name: str
    grade: str
    def __init__(self, user: _Optional[str] = ..., course: _Optional[str] = ..., learner_name: _Optional[str] = ..., grade: _Optional[str] = ...) -> None: ...

class ReissueCertificateRequest(_message.Message):
    __slots__ = ("name", "learner_name")
    NAME_FIELD_NUMBER: _ClassVar[int]
    LEARNER_NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    learner_name: str
    def __init__(self, name: _Optional[str] = ..., learner_name: _Optional[str] = ...) -> None: ...

class RevokeCertificateRequest(_message.Message):
    __slots__ = ("name", "reason")
    NAME_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    name: str
    reason: str
    def __init__(self, name: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class DownloadCertificatePdfRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class GetCredentialRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class Credential(_message.Message):
    __slots__ = ("vc_jwt", "credential_json")
    VC_JWT_FIELD_NUMBER: _ClassVar[int]
    CREDENTIAL_JSON_FIELD_NUMBER: _ClassVar[int]
    vc_jwt: str
    credential_json: str
    def __init__(self, vc_jwt: _Optional[str] = ..., credential_json: _Optional[str] = ...) -> None: ...

class VerifyCertificateRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class Verification(_message.Message):
    __slots__ = ("name", "state", "learner_name", "course_title", "issuer_name", "complete_time", "issue_time", "hours", "grade", "revocation_reason", "state_time", "superseded_by")
    NAME_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    LEARNER_NAME_FIELD_NUMBER: _ClassVar[int]
    COURSE_TITLE_FIELD_NUMBER: _ClassVar[int]
    ISSUER_NAME_FIELD_NUMBER: _ClassVar[int]
    COMPLETE_TIME_FIELD_NUMBER: _ClassVar[int]
    ISSUE_TIME_FIELD_NUMBER: _ClassVar[int]
    HOURS_FIELD_NUMBER: _ClassVar[int]
    GRADE_FIELD_NUMBER: _ClassVar[int]
    REVOCATION_REASON_FIELD_NUMBER: _ClassVar[int]
    STATE_TIME_FIELD_NUMBER: _ClassVar[int]
    SUPERSEDED_BY_FIELD_NUMBER: _ClassVar[int]
    name: str
    state: CertificateState
    learner_name: str
    course_title: str
    issuer_name: str
    complete_time: _timestamp_pb2.Timestamp
    issue_time: _timestamp_pb2.Timestamp
    hours: float
    grade: str
    revocation_reason: str
    state_time: _timestamp_pb2.Timestamp
    superseded_by: str
    def __init__(self, name: _Optional[str] = ..., state: _Optional[_Union[CertificateState, str]] = ..., learner_name: _Optional[str] = ..., course_title: _Optional[str] = ..., issuer_name: _Optional[str] = ..., complete_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., issue_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., hours: _Optional[float] = ..., grade: _Optional[str] = ..., revocation_reason: _Optional[str] = ..., state_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., superseded_by: _Optional[str] = ...) -> None: ...

class VerifyCertificatePdfRequest(_message.Message):
    __slots__ = ("pdf",)
    PDF_FIELD_NUMBER: _ClassVar[int]
    pdf: _httpbody_pb2.HttpBody
    def __init__(self, pdf: _Optional[_Union[_httpbody_pb2.HttpBody, _Mapping]] = ...) -> None: ...

class PdfVerification(_message.Message):
    __slots__ = ("valid", "signature_intact", "issued_here", "certificate")
    VALID_FIELD_NUMBER: _ClassVar[int]
    SIGNATURE_INTACT_FIELD_NUMBER: _ClassVar[int]
    ISSUED_HERE_FIELD_NUMBER: _ClassVar[int]
    CERTIFICATE_FIELD_NUMBER: _ClassVar[int]
    valid: bool
    signature_intact: bool
    issued_here: bool
    certificate: Verification
    def __init__(self, valid: _Optional[bool] = ..., signature_intact: _Optional[bool] = ..., issued_here: _Optional[bool] = ..., certificate: _Optional[_Union[Verification, _Mapping]] = ...) -> None: ...

class GetStatusListRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetIssuerProfileRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetIssuerKeysRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...
