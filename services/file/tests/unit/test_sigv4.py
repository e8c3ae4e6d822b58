"""The direct SigV4 presigner signs exactly what boto3 signs (SeaweedFS accepting the
URLs is proved in tests/grpc)."""

from __future__ import annotations

import urllib.parse
from datetime import UTC, datetime

import boto3
import botocore.auth
from botocore.config import Config

from lms_file.adapters.s3 import content_disposition
from lms_file.adapters.sigv4 import GetSigner

NOW = datetime(2026, 3, 1, 12, 30, 5, tzinfo=UTC)


def test_a_presigned_get_matches_boto3_for_the_same_moment(monkeypatch):
    monkeypatch.setattr(
        botocore.auth, "get_current_datetime", lambda remove_tzinfo=True: NOW.replace(tzinfo=None)
    )
    endpoint, key = "http://127.0.0.1:8333", "files/ab c/Übung 1 (final).pdf"
    disposition = content_disposition("Übung 1 (final).pdf")
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="eu-west-1",
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        config=Config(signature_version="s3v4", s3={"addressing_style": "path"}),
    )
    expected = client.generate_presigned_url(
        "get_object",
        Params={
            "Bucket": "lms-files",
            "Key": key,
            "ResponseContentDisposition": disposition,
            "ResponseContentType": "application/pdf",
        },
        ExpiresIn=300,
    )
    signer = GetSigner(
        endpoint=endpoint,
        bucket="lms-files",
        region="eu-west-1",
        access_key_id="AKIDEXAMPLE",
        secret_access_key="wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
    )
    ours = signer.url(key, 300, NOW, {"content-disposition": disposition, "content-type": "application/pdf"})
    theirs, mine = urllib.parse.urlsplit(expected), urllib.parse.urlsplit(ours)
    assert mine.path == theirs.path
    assert dict(urllib.parse.parse_qsl(mine.query)) == dict(urllib.parse.parse_qsl(theirs.query))
