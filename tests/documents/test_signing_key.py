"""The signing key is never written without a passphrase."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

pytestmark = pytest.mark.django_db


def test_create_signing_cert_refuses_an_empty_passphrase(settings, tmp_path):
    settings.SIGNING_PKCS12_PATH = str(tmp_path / "signer.p12")
    settings.SIGNING_PKCS12_PASSPHRASE = ""
    with pytest.raises(CommandError, match="SIGNING_PKCS12_PASSPHRASE is empty"):
        call_command("create_signing_cert")
    assert not (tmp_path / "signer.p12").exists()


def test_create_signing_cert_encrypts_the_key_with_the_passphrase(settings, tmp_path):
    from cryptography.hazmat.primitives.serialization import pkcs12

    path = tmp_path / "signer.p12"
    settings.SIGNING_PKCS12_PATH = str(path)
    settings.SIGNING_PKCS12_PASSPHRASE = "dari-lingkungan"
    call_command("create_signing_cert", stdout=open("/dev/null", "w"))  # noqa: SIM115
    with pytest.raises(ValueError):
        pkcs12.load_key_and_certificates(path.read_bytes(), None)
    key, _cert, _extra = pkcs12.load_key_and_certificates(path.read_bytes(), b"dari-lingkungan")
    assert key is not None
