"""PAdES signatures (pyHanko): every issued PDF is signed with the platform's key and
certificate; an uploaded PDF is checked with pyHanko's validator against that certificate."""

from __future__ import annotations

import io
import logging

from asn1crypto import x509 as asn1_x509
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

log = logging.getLogger("lms_certificate")


class PdfSigner:
    def __init__(self, key_file: str, cert_file: str, *, signer_name: str) -> None:
        self._signer = signers.SimpleSigner.load(key_file, cert_file)
        self._certificate: asn1_x509.Certificate = load_cert_from_pemder(cert_file)
        self._name = signer_name

    def sign(self, pdf: bytes) -> bytes:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
        meta = signers.PdfSignatureMetadata(
            field_name="Certificate",
            subfilter=fields.SigSeedSubFilter.PADES,
            md_algorithm="sha256",
            name=self._name,
            reason="Certificate of completion",
        )
        out = signers.sign_pdf(writer, meta, signer=self._signer)
        return out.getvalue()

    def intact(self, pdf: bytes) -> bool:
        """True when the PDF carries one signature that covers the whole file, is
        cryptographically intact and chains to the platform's certificate."""
        try:
            reader = PdfFileReader(io.BytesIO(pdf), strict=False)
            signatures = reader.embedded_signatures
            if len(signatures) != 1:
                return False
            context = ValidationContext(trust_roots=[self._certificate], allow_fetching=False)
            status = validate_pdf_signature(signatures[0], context)
        except Exception as exc:  # a damaged file is an answer ("not intact"), not an error
            log.info("pdf_signature_unreadable error=%s", type(exc).__name__)
            return False
        return bool(
            status.intact
            and status.valid
            and status.trusted
            and status.coverage == SignatureCoverageLevel.ENTIRE_FILE
        )
