"""Helpers the test modules share: the PDF tools of poppler, and a learner and course
registered with the stand-ins."""

from __future__ import annotations

import subprocess
import uuid
from pathlib import Path

from PIL import Image

SCRIPTS = {
    "accents": "José Müller-Ångström",
    "devanagari": "प्रिया शर्मा",
    "arabic": "محمد علي",
    "cjk": "王小明",
}


def pdf_text(pdf: bytes, directory: Path) -> str:
    path = directory / f"{uuid.uuid4()}.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True, text=True).stdout


def first_page_ink(pdf: bytes, directory: Path) -> float:
    """The share of non-white pixels on page 1 as pdftoppm renders it."""
    path = directory / f"{uuid.uuid4()}.pdf"
    path.write_bytes(pdf)
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "40",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(path),
            str(path.with_suffix("")),
        ],
        check=True,
    )
    image = Image.open(path.with_suffix(".png")).convert("L")
    histogram = image.histogram()  # 256 grey levels
    return sum(histogram[:200]) / sum(histogram)


def flip_byte(data: bytes, at: int) -> bytes:
    changed = bytearray(data)
    changed[at] ^= 0x01
    return bytes(changed)


async def download(stub, name: str, metadata=None) -> bytes:
    """The PDF, joined from its streamed chunks."""
    from lms.certificate.v1 import certificate_pb2 as pb

    call = stub.DownloadCertificatePdf(pb.DownloadCertificatePdfRequest(name=name), metadata=metadata)
    return b"".join([chunk.data async for chunk in call])
