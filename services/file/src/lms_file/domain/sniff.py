"""The content type a file's first bytes show (magic numbers), whatever the client says.

Only the types some purpose allows are recognised; anything else is None."""

from __future__ import annotations

from lms_file.domain.purposes import DOCX, JPEG, MP4, PDF, PNG, PPTX, QUICKTIME, TEXT, WEBM, WEBP, XLSX, ZIP

# How many leading bytes sniff() needs.
SNIFF_BYTES = 4096

# A ZIP container counts as one of these when the client declared it (their bytes are a ZIP).
ZIP_FAMILY = frozenset({ZIP, DOCX, XLSX, PPTX})

# Markers of a script or markup disguised as text: refused as plain text.
_ACTIVE_TEXT = (b"<?php", b"<?=", b"<script", b"<html", b"<!doctype", b"#!")


def sniff(head: bytes) -> str | None:
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"PK\x03\x04"):
        return ZIP
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return WEBM
    if head[4:8] == b"ftyp":
        return QUICKTIME if head[8:10] == b"qt" else MP4
    if _plain_text(head):
        return TEXT
    return None


def matches(declared: str, detected: str | None) -> bool:
    """Whether the bytes are what the client declared (a ZIP stands for Office documents)."""
    if detected == ZIP:
        return declared in ZIP_FAMILY
    return detected == declared


def _plain_text(head: bytes) -> bool:
    if not head or b"\x00" in head:
        return False
    lowered = head.lstrip().lower()
    if any(lowered.startswith(marker) for marker in _ACTIVE_TEXT):
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as cut:
        # The sniffed window may end inside a multi-byte character.
        return cut.start >= len(head) - 3
    return True
