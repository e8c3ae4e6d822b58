"""Content types from magic bytes, not from names or the client's word."""

from __future__ import annotations

import pytest

from lms_file.domain.sniff import matches, sniff


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "image/png"),
        (b"RIFF\x10\x00\x00\x00WEBPVP8 ", "image/webp"),
        (b"%PDF-1.7\n", "application/pdf"),
        (b"PK\x03\x04\x14\x00", "application/zip"),
        (b"\x00\x00\x00\x20ftypisom", "video/mp4"),
        (b"\x00\x00\x00\x14ftypqt  ", "video/quicktime"),
        (b"\x1a\x45\xdf\xa3\x9f", "video/webm"),
        ("Grüße, plain notes\n".encode(), "text/plain"),
        (b"<?php system($_GET['c']); ?>", None),
        (b"  <script>alert(1)</script>", None),
        (b"#!/bin/sh\nrm -rf /", None),
        (b"\x00\x01\x02binary", None),
        (b"", None),
    ],
)
def test_the_first_bytes_decide_the_type(head, expected):
    assert sniff(head) == expected


def test_text_cut_inside_a_multibyte_character_is_still_text():
    assert sniff("ü".encode() * 10 + "ü".encode()[:1]) == "text/plain"


def test_office_documents_are_zip_containers_and_nothing_else_matches_loosely():
    docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert matches(docx, "application/zip") and matches("application/zip", "application/zip")
    assert not matches("image/jpeg", "application/zip")
    assert not matches("image/jpeg", None) and not matches("image/png", "image/jpeg")
