"""The service's signing key and PAdES signatures on certificate PDFs (pyHanko).

Configuration:
  CHARTER_SIGNING_KEY           a PEM private key (RSA or EC), or a PKCS#12 file (.p12/.pfx)
  CHARTER_SIGNING_CERT          the PEM key's X.509 certificate (not needed with PKCS#12)
  CHARTER_SIGNING_KEY_PASSWORD  the PKCS#12 file's (or the PEM key's) password, if it has one
Without them a self-signed EC P-256 key and certificate are generated on first use into
`<CHARTER_VAR_DIR>/signing/` (key.pem mode 0600, cert.pem): enough to show a PDF was not
altered. In production (a CHARTER_BASE_URL that is https://) no certificate is issued
without a configured key: see `require_configured`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import os
import shutil
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from app.reports import pdf
from app.settings import Settings

SELF_SIGNED_NAME = "Charter certificate signing (self-signed)"
SELF_SIGNED_YEARS = 10


PKCS12_SUFFIXES = (".p12", ".pfx")


class SigningNotConfigured(RuntimeError):
    pass


@dataclass(frozen=True)
class Credentials:
    """Where the signing key is: a PEM key and certificate, or one PKCS#12 file (cert None)."""

    key: Path
    cert: Path | None = None
    password: str | None = None

    @property
    def pkcs12(self) -> bool:
        return self.cert is None


def is_production(settings: Settings) -> bool:
    """Production is a service people reach over https: its CHARTER_BASE_URL is https://."""
    return settings.https


def require_configured(settings: Settings) -> None:
    """In production a certificate is signed only with a key the operator configured: a key
    generated into one machine's var/ would differ between servers and vanish with the disk."""
    if is_production(settings) and settings.signing_key is None:
        raise SigningNotConfigured(
            "Certificates cannot be issued: this service runs in production (its "
            "CHARTER_BASE_URL is https://) without a signing key. Set CHARTER_SIGNING_KEY (a PEM "
            "key with CHARTER_SIGNING_CERT, or a PKCS#12 file) and start it again"
        )


def credentials(settings: Settings) -> Credentials:
    """The configured key, else the generated pair."""
    key, cert = settings.signing_key, settings.signing_cert
    if key is None and cert is None:
        made_key, made_cert = generated_credentials(settings.var_dir / "signing")
        return Credentials(made_key, made_cert)
    if key is None:
        raise SigningNotConfigured("CHARTER_SIGNING_CERT is set without CHARTER_SIGNING_KEY")
    if not Path(key).is_file():
        raise SigningNotConfigured(f"CHARTER_SIGNING_KEY names {key}, which is not a readable file")
    password = settings.signing_key_password
    if cert is None:
        if Path(key).suffix.lower() not in PKCS12_SUFFIXES:
            raise SigningNotConfigured(
                "CHARTER_SIGNING_KEY is a PEM key: set CHARTER_SIGNING_CERT to its certificate, "
                "or give a PKCS#12 file (.p12 or .pfx)"
            )
        return Credentials(Path(key), None, password)
    if not Path(cert).is_file():
        raise SigningNotConfigured(
            f"CHARTER_SIGNING_CERT names {cert}, which is not a readable file"
        )
    return Credentials(Path(key), Path(cert), password)


def certificate_pem(found: Credentials) -> bytes:
    """The signing certificate (public), as PEM: what the verify pages publish."""
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.serialization import pkcs12

    if found.cert is not None:
        return x509.load_pem_x509_certificate(found.cert.read_bytes()).public_bytes(
            serialization.Encoding.PEM
        )
    password = found.password.encode() if found.password else None
    _, cert, _ = pkcs12.load_key_and_certificates(found.key.read_bytes(), password)
    if cert is None:
        raise SigningNotConfigured(f"The PKCS#12 file {found.key} holds no certificate")
    return cert.public_bytes(serialization.Encoding.PEM)


def fingerprint(pem: bytes) -> str:
    """The certificate's SHA-256 fingerprint as people compare it: AB:CD:..."""
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    der = x509.load_pem_x509_certificate(pem).public_bytes(serialization.Encoding.DER)
    digest = hashlib.sha256(der).hexdigest().upper()
    return ":".join(digest[i : i + 2] for i in range(0, len(digest), 2))


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
        # Well before now: a back-dated (demo) certificate is signed at its issue time.
        .not_valid_before(now - dt.timedelta(days=365 * SELF_SIGNED_YEARS))
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
def _signer(found: Credentials, _stamp: tuple[float, ...]) -> Any:
    from pyhanko.sign import signers

    password = found.password.encode() if found.password else None
    if found.cert is None:
        return signers.SimpleSigner.load_pkcs12(str(found.key), passphrase=password)
    return signers.SimpleSigner.load(str(found.key), str(found.cert), key_passphrase=password)


def _stamp(found: Credentials) -> tuple[float, ...]:
    return tuple(p.stat().st_mtime for p in (found.key, found.cert) if p is not None)


def sign(document: bytes, found: Credentials, signed_at: dt.datetime | None = None) -> bytes:
    """A PAdES (B-B) signature over the whole PDF, as an incremental update, its signing time
    `signed_at` (the certificate's issue time) rather than the moment it runs."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    from pyhanko.sign.fields import SigSeedSubFilter

    signer = _signer(found, _stamp(found))
    if signer is None:
        raise SigningNotConfigured(f"Could not load the signing key {found.key}")
    metadata = signers.PdfSignatureMetadata(
        field_name="CharterSignature",
        subfilter=SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason="Certificate issued by Charter",
    )

    class SignedAt(signers.PdfSigner):
        def init_signing_session(self, *args: Any, **kwargs: Any) -> Any:
            session = super().init_signing_session(*args, **kwargs)
            if signed_at is not None:
                session.system_time = signed_at
            return session

    out = SignedAt(metadata, signer=signer).sign_pdf(IncrementalPdfFileWriter(io.BytesIO(document)))
    return bytes(out.getbuffer())


def render_and_sign(
    html: str, assets: Path, found: Credentials, signed_at: dt.datetime | None = None
) -> bytes:
    """The whole certificate job for one worker: lay out the PDF, then sign it."""
    return sign(pdf.render_sync(html, assets), found, signed_at)
