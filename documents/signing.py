"""The portal's signing key: load it, sign a PDF (PAdES), check a signed PDF, make a dev key."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from asn1crypto import x509 as asn1_x509
from django.conf import settings
from django.utils.translation import gettext as _


class SigningNotConfigured(Exception):
    """No usable PKCS#12 file (missing, unreadable or wrong passphrase)."""


@dataclass(frozen=True)
class Certificate:
    """What a document and the verification page say about the signing certificate."""

    subject: str
    issuer: str
    serial: str
    der: bytes


def _passphrase() -> bytes | None:
    value = settings.SIGNING_PKCS12_PASSPHRASE
    return value.encode() if value else None


def load_signer():
    """The pyHanko signer of settings.SIGNING_PKCS12_PATH; SigningNotConfigured if unusable."""
    from pyhanko.sign import signers

    path = settings.SIGNING_PKCS12_PATH
    if not path or not Path(path).is_file():
        raise SigningNotConfigured(
            _("Sertifikat penandatanganan belum dipasang (berkas PKCS#12 tidak ditemukan).")
        )
    signer = signers.SimpleSigner.load_pkcs12(path, passphrase=_passphrase())
    if signer is None:
        raise SigningNotConfigured(
            _("Sertifikat penandatanganan tidak dapat dibuka (kata sandi PKCS#12 salah?).")
        )
    return signer


def _short_name(name: asn1_x509.Name) -> str:
    """A distinguished name as a line of text: common name, then organisation, then country."""
    native = name.native
    parts = [native.get("common_name"), native.get("organization_name")]
    text = ", ".join(str(p) for p in parts if p)
    return text or name.human_friendly


def describe(cert: asn1_x509.Certificate) -> Certificate:
    """Subject, issuer and serial of a certificate, as people read them."""
    return Certificate(
        subject=_short_name(cert.subject),
        issuer=_short_name(cert.issuer),
        serial=format(cert.serial_number, "X"),
        der=cert.dump(),
    )


def sign_pdf(pdf: bytes, signer, *, signer_name: str, location: str, reason: str) -> bytes:
    """Sign PDF bytes as a PAdES signature and return the signed bytes."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    meta = signers.PdfSignatureMetadata(
        field_name="TandaTanganElektronik",
        subfilter=fields.SigSeedSubFilter.PADES,
        name=signer_name,
        location=location,
        reason=reason,
    )
    return signers.sign_pdf(writer, meta, signer=signer).getvalue()


@dataclass(frozen=True)
class SignatureValidation:
    """What pyHanko found in a signed PDF: stored once, at signing time, and shown afterwards."""

    signature_count: int
    intact: bool = False
    valid: bool = False
    trusted: bool = False
    whole_file: bool = False
    signer: str = ""
    issuer: str = ""
    signing_time: dt.datetime | None = None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.signature_count == 1 and self.intact and self.valid and self.whole_file


def validate_signature(pdf: bytes, certificate_der: bytes) -> SignatureValidation:
    """Validate the PDF's signature, trusting only the office certificate `certificate_der`.

    Costly on hostile input (a crafted PDF can take minutes): call it only on bytes the portal
    signed itself, never on an upload.
    """
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(BytesIO(pdf), strict=False)
        signatures = reader.embedded_signatures
        if len(signatures) != 1:
            return SignatureValidation(
                signature_count=len(signatures),
                problem=_("PDF tidak memuat tepat satu tanda tangan."),
            )
        root = asn1_x509.Certificate.load(certificate_der)
        status = validate_pdf_signature(
            signatures[0], signer_validation_context=ValidationContext(trust_roots=[root])
        )
    except Exception as exc:
        return SignatureValidation(
            signature_count=0, problem=_("PDF tidak dapat dibaca: %s") % type(exc).__name__
        )
    cert = status.signing_cert
    return SignatureValidation(
        signature_count=1,
        intact=bool(status.intact),
        valid=bool(status.valid),
        trusted=bool(status.trusted),
        whole_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        signer=_short_name(cert.subject) if cert is not None else "",
        issuer=_short_name(cert.issuer) if cert is not None else "",
        signing_time=status.signer_reported_dt,
    )


def create_self_signed_pkcs12(
    path: Path, passphrase: str, *, common_name: str, organisation: str
) -> Certificate:
    """Write a self-signed RSA-2048 key and certificate as PKCS#12 (development and demo only)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
            x509.NameAttribute(
                NameOID.ORGANIZATIONAL_UNIT_NAME, "Sertifikat uji pengembangan/demo, bukan BSrE"
            ),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
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
        .not_valid_after(now + dt.timedelta(days=5 * 365))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    encryption = (
        serialization.BestAvailableEncryption(passphrase.encode())
        if passphrase
        else serialization.NoEncryption()
    )
    data = pkcs12.serialize_key_and_certificates(common_name.encode(), key, cert, None, encryption)
    path.parent.mkdir(parents=True, exist_ok=True)
    # The private key: readable by the portal's user only.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    return describe(asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)))
