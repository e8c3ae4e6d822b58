"""Certificates as PDF (reportlab): the template's fields at their places, every script
in an embedded face, Devanagari shaped by HarfBuzz, Arabic reshaped and laid out right to
left, and each line's logical text as /ActualText so that copy and search see the name."""

from __future__ import annotations

import io
from collections.abc import Iterator

import arabic_reshaper
import segno
from bidi import get_display
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import shapeStr
from reportlab.pdfgen.canvas import Canvas

from lms_certificate.adapters.fonts import Face, FontBook, Script, script_of
from lms_certificate.domain.template import Placement, Printed, Template


def _runs(text: str) -> Iterator[tuple[Script, str]]:
    """Maximal runs of one script; neutral characters join the run they sit in."""
    current: Script | None = None
    run = ""
    for char in text:
        script = script_of(char)
        if script is not None and current is not None and script is not current:
            yield current, run
            run = ""
        if script is not None:
            current = script
        run += char
    if run:
        yield current or Script.BASE, run


class PdfRenderer:
    def __init__(self, fonts: FontBook) -> None:
        self._fonts = fonts

    def render(self, template: Template, printed: Printed) -> bytes:
        out = io.BytesIO()
        width, height = template.page_mm
        canvas = Canvas(out, pagesize=(width * mm, height * mm), pageCompression=1)
        canvas.setTitle(f"Certificate {printed.certificate_id}")
        canvas.setAuthor(printed.issuer_name)
        canvas.setSubject(printed.course_title)
        canvas.setCreator("LMS certificate service")
        if template.background_image:
            background = ImageReader(io.BytesIO(template.background_image))
            canvas.drawImage(background, 0, 0, width * mm, height * mm)
        for placement in template.placements:
            match placement.kind:
                case "qr_code":
                    self._qr(canvas, placement, printed.verification_url)
                case "teacher_signature":
                    if template.signature_image:
                        self._image(canvas, placement, template.signature_image)
                case "logo":
                    if template.logo_image:
                        self._image(canvas, placement, template.logo_image)
                case _:
                    text = printed.text_of(placement)
                    if text:
                        self._line(canvas, template.font_family, placement, text)
        canvas.showPage()
        canvas.save()
        return out.getvalue()

    def _line(self, canvas: Canvas, family: str, placement: Placement, logical: str) -> None:
        size = placement.size
        visual = logical
        if any(script_of(c) is Script.ARABIC for c in logical):
            visual = get_display(arabic_reshaper.reshape(logical))
        pieces: list[tuple[Face, str, str]] = []
        total = 0.0
        for script, run in _runs(visual):
            face = self._fonts.face(family, script)
            drawn = shapeStr(run, face.name, size) if face.shaped else run
            pieces.append((face, run, drawn))
            total += pdfmetrics.stringWidth(drawn, face.name, size)
        x = placement.x_mm * mm
        if placement.align == "center":
            x -= total / 2
        elif placement.align == "right":
            x -= total
        for face, run, drawn in pieces:
            canvas.setFont(face.name, size)
            if face.shaped:  # ligatures lose their characters: say what the run reads
                actual = run.encode("utf-16-be").hex().upper()
                canvas._code.append(f"/Span <</ActualText <FEFF{actual}>>> BDC")
            canvas.drawString(x, placement.y_mm * mm, drawn)
            if face.shaped:
                canvas._code.append("EMC")
            x += pdfmetrics.stringWidth(drawn, face.name, size)

    @staticmethod
    def _qr(canvas: Canvas, placement: Placement, url: str) -> None:
        code = segno.make(url, error="m")
        rows = code.matrix
        side = placement.size * mm
        cell = side / len(rows)
        left = placement.x_mm * mm - side / 2
        bottom = placement.y_mm * mm
        canvas.setFillGray(0)
        for r, row in enumerate(rows):
            for c, dark in enumerate(row):
                if dark:
                    canvas.rect(left + c * cell, bottom + side - (r + 1) * cell, cell, cell, stroke=0, fill=1)

    @staticmethod
    def _image(canvas: Canvas, placement: Placement, data: bytes) -> None:
        image = ImageReader(io.BytesIO(data))
        w, h = image.getSize()
        height = placement.size * mm
        width = height * w / h
        x = placement.x_mm * mm
        if placement.align == "center":
            x -= width / 2
        elif placement.align == "right":
            x -= width
        canvas.drawImage(image, x, placement.y_mm * mm, width, height, mask="auto")
