"""Certificates in the embedded default: a self-signed signing certificate (PAdES) and an
Ed25519 key (Open Badges VC-JWT), made once in the runner's data dir and kept."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from lms_devkit.dev import DevContext, DevSetup


def write_dev_keys(directory: Path) -> dict[str, str]:
    """Create (once) the dev key pair and badge key under `directory`; returns the
    service's environment naming them."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519
    from cryptography.x509.oid import NameOID

    directory.mkdir(parents=True, exist_ok=True)
    key_path, cert_path, badge_path = (
        directory / "signing-key.pem",
        directory / "signing-cert.pem",
        directory / "badge-key.pem",
    )
    private = serialization.PrivateFormat.PKCS8
    if not (key_path.exists() and cert_path.exists()):
        key = ec.generate_private_key(ec.SECP256R1())
        name = x509.Name(
            [
                x509.NameAttribute(NameOID.COMMON_NAME, "LMS dev certificate signer"),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, "LMS (development)"),
            ]
        )
        now = dt.datetime.now(dt.UTC)
        cert = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(True, True, False, False, False, True, False, False, False), critical=True
            )
            .sign(key, hashes.SHA256())
        )
        _write_private(
            key_path, key.private_bytes(serialization.Encoding.PEM, private, serialization.NoEncryption())
        )
        cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    if not badge_path.exists():
        badge = ed25519.Ed25519PrivateKey.generate()
        _write_private(
            badge_path, badge.private_bytes(serialization.Encoding.PEM, private, serialization.NoEncryption())
        )
    return {
        "LMS_CERTIFICATE_SIGNING_KEY_FILE": str(key_path),
        "LMS_CERTIFICATE_SIGNING_CERT_FILE": str(cert_path),
        "LMS_CERTIFICATE_BADGE_KEY_FILE": str(badge_path),
    }


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def prepare(ctx: DevContext) -> DevSetup:
    if os.environ.get("LMS_CERTIFICATE_SIGNING_KEY_FILE"):  # the developer's own keys win
        return DevSetup()
    return DevSetup(env=write_dev_keys(ctx.data_dir / "keys"))
