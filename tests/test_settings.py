"""Production settings: a missing secret key or signing passphrase stops start-up; the deploy
check passes."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_URL", "SIGNING_"))
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


PRODUCTION = {
    "DJANGO_SECRET_KEY": "k" * 20 + "-a-long-random-production-key-0123456789",
    "SIGNING_PKCS12_PASSPHRASE": "passphrase-of-the-office-key",
}


def test_missing_secret_key_is_a_clear_start_up_error_without_debug():
    result = _manage("check")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_deploy_check_passes_with_debug_off():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        **PRODUCTION,
        DJANGO_ALLOWED_HOSTS="sop.anambas.example",
    )
    assert result.returncode == 0, result.stderr


def test_health_check_answers_over_plain_http_when_https_is_enforced():
    probe = (
        "from django.test import Client; c = Client(); "
        "print(c.get('/healthz/').status_code, c.get('/accounts/login/').status_code)"
    )
    result = _manage(
        "shell",
        "-c",
        probe,
        **PRODUCTION,
        DJANGO_ALLOWED_HOSTS="testserver",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-2:] == ["200", "301"]


def test_an_empty_signing_passphrase_is_a_clear_start_up_error_without_debug():
    result = _manage(
        "check", DJANGO_SECRET_KEY=PRODUCTION["DJANGO_SECRET_KEY"], SIGNING_PKCS12_PASSPHRASE=""
    )
    assert result.returncode != 0
    assert "SIGNING_PKCS12_PASSPHRASE is not set" in result.stderr


def test_development_signs_with_a_passphrase_even_when_none_is_set():
    probe = "from django.conf import settings; print(len(settings.SIGNING_PKCS12_PASSPHRASE))"
    result = _manage("shell", "-c", probe, DJANGO_DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert int(result.stdout.split()[-1]) > 0


def test_development_takes_the_passphrase_from_the_environment():
    probe = "from django.conf import settings; print(settings.SIGNING_PKCS12_PASSPHRASE)"
    result = _manage("shell", "-c", probe, DJANGO_DEBUG="1", SIGNING_PKCS12_PASSPHRASE="dari-env")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-1] == "dari-env"
