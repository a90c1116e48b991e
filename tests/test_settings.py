"""Production settings: a missing secret key stops start-up; the deploy check passes."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


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
        DJANGO_SECRET_KEY="k" * 20 + "-a-long-random-production-key-0123456789",
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
        DJANGO_SECRET_KEY="k" * 20 + "-a-long-random-production-key-0123456789",
        DJANGO_ALLOWED_HOSTS="testserver",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-2:] == ["200", "301"]
