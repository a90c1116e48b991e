"""403, 404 and 500 answer in the portal's look and language, with DEBUG off."""

import pytest
from django.test import Client


@pytest.fixture
def production(settings):
    settings.DEBUG = False
    return settings


def _english(client: Client) -> Client:
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    return client


def test_unknown_address_gets_the_portals_404_page_in_indonesian(db, production):
    response = Client().get("/tidak-ada/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Halaman tidak ditemukan" in page
    assert 'href="/static/css/portal.css"' in page
    assert "Not Found" not in page


def test_unknown_address_gets_the_404_page_in_english_after_the_switch(db, production):
    response = _english(Client()).get("/tidak-ada/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_refused_page_gets_the_portals_403_page(people, login, production):
    response = login(people["staf"]).get("/dashboard/")
    assert response.status_code == 403
    page = response.content.decode()
    assert "Akses ditolak" in page
    assert "Tugas Saya" in page  # the navigation of the portal is there


def test_refused_page_gets_the_403_page_in_english_after_the_switch(people, login, production):
    response = _english(login(people["staf"])).get("/dashboard/")
    assert response.status_code == 403
    assert "Access denied" in response.content.decode()


@pytest.mark.urls("tests.portal.failing_urls")
def test_a_bug_gets_the_portals_500_page_without_details(db, production):
    client = Client(raise_request_exception=False)
    response = client.get("/fails/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "Terjadi gangguan" in page
    assert 'href="/static/vendor/bootstrap/css/bootstrap.min.css"' in page
    assert "a bug in a view" not in page
    assert "Traceback" not in page


@pytest.mark.urls("tests.portal.failing_urls")
def test_a_bug_gets_the_500_page_in_english_after_the_switch(db, production):
    client = _english(Client(raise_request_exception=False))
    response = client.get("/fails/")
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()
