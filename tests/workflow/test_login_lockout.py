"""Password guessing is stopped: failed logins are counted, logged, locked and unlocked."""

import logging

import pytest
from django.contrib.admin.sites import site
from django.urls import reverse

from workflow.models import User

pytestmark = pytest.mark.django_db

PASSWORD = "rahasia-uji-123"  # tests.factories.UserFactory
LOGIN = "/accounts/login/"


def _fail(client, username: str, times: int, address: str = "10.1.1.1"):
    response = None
    for _ in range(times):
        response = client.post(
            LOGIN, {"username": username, "password": "salah-tebak"}, REMOTE_ADDR=address
        )
    return response


def _login(client, username: str, address: str = "10.1.1.1"):
    return client.post(LOGIN, {"username": username, "password": PASSWORD}, REMOTE_ADDR=address)


def _logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_the_right_password_logs_in_before_any_failure(client, staf):
    response = _login(client, "staf1")
    assert response.status_code == 302
    assert _logged_in(client)


def test_a_name_is_locked_after_the_failure_limit_with_an_indonesian_page(client, staf, settings):
    assert _fail(client, "staf1", settings.AXES_FAILURE_LIMIT - 1).status_code == 200
    response = _fail(client, "staf1", 1)
    assert response.status_code == 429
    page = response.content.decode()
    assert "Masuk dikunci sementara" in page
    assert f"Terlalu banyak percobaan masuk yang gagal ({settings.AXES_FAILURE_LIMIT} kali)" in page
    assert "SOP Portal" in page  # the portal's own page, not a bare response


def test_the_right_password_is_refused_while_the_name_is_locked(client, staf, settings):
    _fail(client, "staf1", settings.AXES_FAILURE_LIMIT)
    response = _login(client, "staf1")
    assert response.status_code == 429
    assert not _logged_in(client)


def test_failures_of_one_name_from_many_addresses_lock_that_name(client, staf, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        _fail(client, "staf1", 1, address=f"10.2.0.{n + 1}")
    response = _login(client, "staf1", address="10.2.0.200")
    assert response.status_code == 429
    assert not _logged_in(client)


def test_failures_from_one_address_lock_that_address_for_every_name(client, staf, team, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        _fail(client, f"tebakan{n}", 1, address="10.3.0.7")
    assert _login(client, "tim1", address="10.3.0.7").status_code == 429
    assert _login(client, "tim1", address="10.3.0.8").status_code == 302


def test_a_failed_login_is_logged_with_the_name_and_the_address(client, staf, caplog):
    with caplog.at_level(logging.WARNING, logger="axes"):
        _fail(client, "staf1", 2, address="10.4.0.9")
    failures = [r.getMessage() for r in caplog.records if r.name.startswith("axes")]
    assert any("login failure" in m and "staf1" in m and "10.4.0.9" in m for m in failures)


def test_the_inspektur_sees_and_unlocks_a_locked_account(client, staf, inspektur, settings):
    _fail(client, "staf1", settings.AXES_FAILURE_LIMIT)
    client.force_login(inspektur)
    page = client.get(reverse("lockouts")).content.decode()
    assert "staf1" in page
    response = client.post(reverse("lockout_unlock"), {"username": "staf1"})
    assert response.status_code == 302
    client.logout()
    assert _login(client, "staf1").status_code == 302
    assert _logged_in(client)


def test_the_inspektur_unlocks_an_address(client, inspektur, staf, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        _fail(client, f"tebakan{n}", 1, address="10.5.0.1")
    client.force_login(inspektur)
    client.post(reverse("lockout_unlock"), {"ip_address": "10.5.0.1"})
    client.logout()
    assert _login(client, "staf1", address="10.5.0.1").status_code == 302


def test_a_staf_may_not_see_or_unlock_locked_accounts(client, staf, team, settings):
    _fail(client, "tim1", settings.AXES_FAILURE_LIMIT)
    client.force_login(staf)
    assert client.get(reverse("lockouts")).status_code == 403
    assert client.post(reverse("lockout_unlock"), {"username": "tim1"}).status_code == 403
    client.logout()
    assert _login(client, "tim1").status_code == 429


def test_unlocking_needs_a_post(client, inspektur):
    client.force_login(inspektur)
    assert client.get(reverse("lockout_unlock")).status_code == 405


def test_an_administrator_unlocks_through_the_admin_action(client, staf, admin_client, settings):
    _fail(client, "staf1", settings.AXES_FAILURE_LIMIT)
    response = admin_client.post(
        "/admin/workflow/user/",
        {"action": "unlock_login", "_selected_action": [staf.pk]},
    )
    assert response.status_code == 302
    assert _login(client, "staf1").status_code == 302


def test_the_admin_action_is_offered_on_people():
    assert "unlock_login" in site._registry[User].actions


def test_the_log_of_a_failed_login_never_holds_the_password(client, staf, caplog):
    with caplog.at_level(logging.WARNING, logger="axes"):
        _fail(client, "staf1", 2)
    assert caplog.records
    assert not any("salah-tebak" in r.getMessage() for r in caplog.records)


def _request(remote: str, forwarded: str | None = None):
    from django.test import RequestFactory

    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().post(LOGIN, REMOTE_ADDR=remote, **extra)


def test_without_a_proxy_the_address_is_the_connections(settings):
    from workflow.lockout import client_address

    settings.TRUSTED_PROXY_COUNT = 0
    assert client_address(_request("10.6.0.1", "203.0.113.9")) == "10.6.0.1"


def test_behind_one_proxy_the_address_is_the_one_the_proxy_saw(settings):
    from workflow.lockout import client_address

    settings.TRUSTED_PROXY_COUNT = 1
    # The client wrote 1.2.3.4 itself; the proxy appended the address it really came from.
    assert client_address(_request("10.6.0.1", "1.2.3.4, 203.0.113.9")) == "203.0.113.9"


def test_a_forwarded_address_that_is_no_address_is_not_believed(settings):
    from workflow.lockout import client_address

    settings.TRUSTED_PROXY_COUNT = 1
    assert client_address(_request("10.6.0.1", "bukan-alamat")) == "10.6.0.1"


def test_behind_a_proxy_guesses_from_one_client_lock_that_client_only(client, staf, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for n in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            LOGIN,
            {"username": f"tebakan{n}", "password": "salah"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR="198.51.100.7",
        )
    other = client.post(
        LOGIN,
        {"username": "staf1", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.8",
    )
    assert other.status_code == 302
