"""Every page carries a Content-Security-Policy that refuses inline scripts and inline styles."""

import re

import pytest

from workflow.models import State


def _directives(header: str) -> dict[str, str]:
    parts = (part.strip().split(" ", 1) for part in header.split(";") if part.strip())
    return {name: rest for name, rest in ((p[0], p[1] if len(p) > 1 else "") for p in parts)}


@pytest.fixture
def pages(people, login, cycle_at):
    """The main pages as the Sekretaris gets them (with the step forms of step 7 and the table)."""
    cycle = cycle_at(State.for_step(7))
    client = login(people["sekretaris"])
    urls = [
        "/",
        "/cycles/",
        f"/cycles/{cycle.pk}/",
        f"/cycles/{cycle.pk}/complete_step_7/",
        f"/cycles/{cycle.pk}/return_step_7/",
        f"/cycles/{cycle.pk}/measurements/",
        "/dashboard/",
        "/sop/perencanaan-kinerja/",
    ]
    return {url: client.get(url) for url in urls}


def test_every_page_has_a_policy_without_unsafe_inline_scripts(pages):
    for url, response in pages.items():
        assert response.status_code == 200, url
        policy = _directives(response["Content-Security-Policy"])
        assert "'self'" in policy["script-src"], url
        assert "'unsafe-inline'" not in policy["script-src"], url
        assert "'unsafe-inline'" not in policy["style-src"], url


def test_the_login_page_has_the_policy(db, client):
    assert "script-src" in client.get("/accounts/login/")["Content-Security-Policy"]


def test_no_page_has_an_inline_script_or_style_attribute(pages):
    for url, response in pages.items():
        page = response.content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page), url
        assert not re.search(r"<[^>]+\sstyle=", page), url
        assert not re.search(r"<[^>]+\son[a-z]+=", page), url


def test_an_inline_style_element_carries_the_requests_nonce(pages):
    for url, response in pages.items():
        page = response.content.decode()
        for tag in re.findall(r"<style\b[^>]*>", page):
            nonce = re.search(r'nonce="([^"]+)"', tag)
            assert nonce, url
            assert f"'nonce-{nonce.group(1)}'" in response["Content-Security-Policy"], url
