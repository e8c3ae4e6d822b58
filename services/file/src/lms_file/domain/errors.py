"""The file service's errors: kit categories with this service's reasons
(lms.file.v1.ErrorReason)."""

from __future__ import annotations

from lms_kit.domain import Denied, Exhausted, FieldViolation, Invalid, NotFound, Precondition, Unavailable


class FileNotFound(NotFound):
    def __init__(self, file_id: str) -> None:
        name = f"files/{file_id}"
        super().__init__("FILE_NOT_FOUND", f"{name} not found", metadata={"name": name})


class FileAccessDenied(Denied):
    def __init__(self, file_id: str) -> None:
        name = f"files/{file_id}"
        super().__init__("FILE_ACCESS_DENIED", f"you may not use {name}", metadata={"name": name})


class OwnerNotYours(Denied):
    def __init__(self) -> None:
        super().__init__("FILE_ACCESS_DENIED", "only internal services upload files for another user")


class UploadRefused(Invalid):
    """A CreateUpload that the purpose's rules refuse (every broken rule at once)."""

    def __init__(self, violations: list[FieldViolation]) -> None:
        super().__init__(violations, reason=violations[0].reason)


class ContentRefused(Invalid):
    """Bytes that fail a check at confirm; the object is gone when this is raised."""

    def __init__(self, field: str, reason: str, description: str) -> None:
        super().__init__([FieldViolation(field, description, reason)], reason=reason)


class QuotaExceeded(Exhausted):
    def __init__(self, purpose: str, quota_bytes: int, used_bytes: int) -> None:
        super().__init__(
            "QUOTA_EXCEEDED",
            f"your {purpose} files would exceed the quota of {quota_bytes} bytes ({used_bytes} used)",
            metadata={"quota_bytes": str(quota_bytes), "used_bytes": str(used_bytes)},
        )


class FileStateInvalid(Precondition):
    def __init__(self, file_id: str, state: str, wanted: str) -> None:
        super().__init__(
            "FILE_STATE_INVALID",
            f"files/{file_id} is {state}; {wanted}",
            metadata={"name": f"files/{file_id}", "state": state},
        )


class UploadMissing(Precondition):
    def __init__(self, file_id: str) -> None:
        super().__init__(
            "UPLOAD_MISSING",
            f"nothing was uploaded for files/{file_id} yet",
            metadata={"name": f"files/{file_id}"},
        )


class FileReferenced(Precondition):
    def __init__(self, file_id: str, referrers: list[str]) -> None:
        super().__init__(
            "FILE_REFERENCED",
            f"files/{file_id} is still used by {', '.join(referrers)}",
            metadata={"name": f"files/{file_id}", "referrers": ",".join(referrers)},
        )


class VariantNotFound(Invalid):
    def __init__(self, variant: str, *, field: str = "variant") -> None:
        super().__init__(
            [FieldViolation(field, f"the file has no variant {variant!r}", "VARIANT_NOT_FOUND")],
            reason="VARIANT_NOT_FOUND",
        )


class StorageUnavailable(Unavailable):
    def __init__(self, what: str) -> None:
        super().__init__("STORAGE_UNAVAILABLE", f"{what} did not answer; nothing was changed, retry")
