"""The file service's settings (environment, prefix LMS_), read once at start-up."""

from __future__ import annotations

from pydantic import Field, SecretStr

from lms_kit.settings import KitSettings


class FileSettings(KitSettings):
    service_name: str = "file"
    grpc_port: int = 3008
    file_page_max: int = Field(100, ge=1, le=1000, description="Largest page ListFiles returns.")
    s3_endpoint_url: str = Field(
        "",
        description="The S3 API the service calls (AWS, MinIO, SeaweedFS), e.g. http://127.0.0.1:8333. "
        "Required; the dev runner starts SeaweedFS and sets it.",
    )
    s3_public_endpoint_url: str = Field(
        "", description="The S3 endpoint clients reach, for presigned URLs (default: s3_endpoint_url)."
    )
    s3_bucket: str = Field("lms-files", description="The bucket; created at start-up when missing.")
    s3_region: str = Field("us-east-1", description="The bucket's region (signatures name it).")
    s3_access_key_id: str = Field("", description="The service's S3 access key id.")
    s3_secret_access_key: SecretStr = Field(SecretStr(""), description="The service's S3 secret key.")
    course_service_target: str = Field(
        "127.0.0.1:3002", description="The course service (who may see a lecture that references a file)."
    )
    upload_ttl_s: int = Field(6 * 3600, ge=60, description="How long an upload may stay unconfirmed.")
    upload_url_ttl_s: int = Field(3600, ge=10, le=7 * 86400, description="Lifetime of presigned upload URLs.")
    download_url_ttl_s: int = Field(
        300, ge=1, le=7 * 86400, description="Lifetime of presigned download URLs."
    )
    multipart_threshold_bytes: int = Field(
        64 * 1024 * 1024, ge=5 * 1024 * 1024, description="Uploads above this size go multipart."
    )
    multipart_part_bytes: int = Field(
        16 * 1024 * 1024, ge=5 * 1024 * 1024, description="Part size of multipart uploads (S3 minimum 5 MiB)."
    )
    retention_s: int = Field(30 * 86400, ge=0, description="How long a deleted file's objects are kept.")
    orphan_grace_s: int = Field(86400, ge=60, description="Age after which an object with no file is swept.")
    sweep_interval_s: float = Field(300.0, gt=0, description="How often the clean-up sweep runs.")
    image_max_pixels: int = Field(
        40_000_000, ge=1, description="Larger images are refused (decompression bombs)."
    )
    video_poll_interval_s: float = Field(10.0, gt=0, description="How often the video worker looks for jobs.")
    mux_token_id: str = Field("", description="Mux access token id; set (with the secret): videos go to Mux.")
    mux_token_secret: SecretStr = Field(SecretStr(""), description="Mux access token secret.")
    mux_webhook_secrets: str = Field(
        "", description="Mux webhook signing secrets, comma-separated (the new one first while rotating)."
    )
    mux_api_base: str = Field(
        "", description="Mux API base URL (default https://api.mux.com; the stand-in in tests)."
    )
    mux_signing_key_id: str = Field("", description="Mux signing key id for signed playback tokens.")
    mux_signing_private_key: SecretStr = Field(
        SecretStr(""),
        description="Mux signing key (base64 PEM, as Mux gives it); set: downloads carry playback_url.",
    )
    lecture_references_durable: str = Field(
        "file-lecture-references",
        description="The JetStream durable that keeps lecture references from the course "
        "service's lms.course.v1.LectureAssetChanged.",
    )
