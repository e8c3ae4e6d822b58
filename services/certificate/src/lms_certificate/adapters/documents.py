"""Rendering and signing off the event loop: reportlab and pyHanko are CPU work, one
document at a time per process (reportlab keeps module-level state)."""

from __future__ import annotations

import asyncio
import threading

from lms_certificate.adapters.fonts import FontBook
from lms_certificate.adapters.pdf import PdfRenderer
from lms_certificate.adapters.signing import PdfSigner
from lms_certificate.domain.template import Printed, Template


class SignedDocuments:
    def __init__(self, fonts: FontBook, signer: PdfSigner) -> None:
        self._fonts = fonts
        self._renderer = PdfRenderer(fonts)
        self._signer = signer
        self._lock = threading.Lock()

    def families(self) -> frozenset[str]:
        return self._fonts.families()

    def _signed(self, template: Template, printed: Printed) -> bytes:
        with self._lock:
            return self._signer.sign(self._renderer.render(template, printed))

    def _preview(self, template: Template, printed: Printed) -> bytes:
        with self._lock:
            return self._renderer.render(template, printed)

    async def signed(self, template: Template, printed: Printed) -> bytes:
        return await asyncio.to_thread(self._signed, template, printed)

    async def preview(self, template: Template, printed: Printed) -> bytes:
        return await asyncio.to_thread(self._preview, template, printed)

    async def signature_intact(self, pdf: bytes) -> bool:
        return await asyncio.to_thread(self._signer.intact, pdf)
