"""The service's signing key and PAdES signatures on certificate PDFs (pyHanko).

Configuration (PEM file paths, set together):
  CHARTER_SIGNING_KEY   the private key (unencrypted PEM; RSA or EC)
  CHARTER_SIGNING_CERT  its X.509 certificate (PEM)
Without them a self-signed EC P-256 key and certificate are generated on first use into
`<CHARTER_VAR_DIR>/signing/` (key.pem mode 0600, cert.pem): enough to show a PDF was not
altered; a production service should configure a certificate people already trust.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import shutil
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

from app.reports import pdf
from app.settings import Settings

SELF_SIGNED_NAME = "Charter certificate signing (self-signed)"
SELF_SIGNED_YEARS = 10


class SigningNotConfigured(RuntimeError):
    pass


def credentials(settings: Settings) -> tuple[Path, Path]:
    """(key path, certificate path): the configured pair, else the generated one."""
    key, cert = settings.signing_key, settings.signing_cert
    if key or cert:
        if not (key and cert):
            raise SigningNotConfigured(
                "Set both CHARTER_SIGNING_KEY and CHARTER_SIGNING_CERT, or neither"
            )
        for name, path in (("CHARTER_SIGNING_KEY", key), ("CHARTER_SIGNING_CERT", cert)):
            if not Path(path).is_file():
                raise SigningNotConfigured(f"{name} names {path}, which is not a readable file")
        return Path(key), Path(cert)
    return generated_credentials(settings.var_dir / "signing")


def generated_credentials(directory: Path) -> tuple[Path, Path]:
    """The self-signed pair in `directory`, made on first use. Two processes racing both build one;
    the first rename wins and the other's is thrown away: every process signs with the same key."""
    key, cert = directory / "key.pem", directory / "cert.pem"
    if key.is_file() and cert.is_file():
        return key, cert
    directory.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".signing-", dir=directory.parent))
    try:
        key_pem, cert_pem = _self_signed()
        fd = os.open(staging / "key.pem", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(key_pem)
        (staging / "cert.pem").write_bytes(cert_pem)
        with contextlib.suppress(OSError):  # another process got there first
            staging.rename(directory)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return key, cert


def _self_signed() -> tuple[bytes, bytes]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, SELF_SIGNED_NAME),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Charter"),
        ]
    )
    now = dt.datetime.now(dt.UTC)
    usage = x509.KeyUsage(
        digital_signature=True,
        content_commitment=True,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=False,
        crl_sign=False,
        encipher_only=False,
        decipher_only=False,
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=365 * SELF_SIGNED_YEARS))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(usage, critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return key_pem, cert.public_bytes(serialization.Encoding.PEM)


# --- inside a render worker ----------------------------------------------------------------------


@cache
def _signer(key: str, cert: str, _stamp: tuple[float, float]) -> Any:
    from pyhanko.sign import signers

    return signers.SimpleSigner.load(key, cert)


def sign(document: bytes, key: Path, cert: Path) -> bytes:
    """A PAdES (B-B) signature over the whole PDF, as an incremental update."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    from pyhanko.sign.fields import SigSeedSubFilter

    signer = _signer(str(key), str(cert), (key.stat().st_mtime, cert.stat().st_mtime))
    if signer is None:
        raise SigningNotConfigured(f"Could not load the signing key {key} with certificate {cert}")
    metadata = signers.PdfSignatureMetadata(
        field_name="CharterSignature",
        subfilter=SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason="Certificate issued by Charter",
    )
    out = signers.PdfSigner(metadata, signer=signer).sign_pdf(
        IncrementalPdfFileWriter(io.BytesIO(document))
    )
    return bytes(out.getbuffer())


def render_and_sign(html: str, assets: Path, key: Path, cert: Path) -> bytes:
    """The whole certificate job for one worker: lay out the PDF, then sign it."""
    return sign(pdf.render_sync(html, assets), key, cert)
