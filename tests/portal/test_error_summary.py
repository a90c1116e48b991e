"""Form errors are announced: a summary that takes focus, links to each field, and the title."""

import re

from django import forms
from django.test import Client

from sop_portal.templatetags.form_errors import form_errors
from workflow.models import State


def _title(page: str) -> str:
    return re.search(r"<title>(.*?)</title>", page, re.S).group(1).strip()


def _summary(page: str) -> str:
    match = re.search(r'<div id="error-summary"[^>]*>.*?</div>', page, re.S)
    assert match, "no error summary on the page"
    return match.group(0)


def test_a_refused_login_starts_the_title_with_kesalahan(db):
    page = Client().post("/accounts/login/", {"username": "x", "password": "y"}).content.decode()
    assert _title(page).startswith("Kesalahan: Masuk")


def test_a_refused_login_starts_the_title_with_error_in_english(db):
    client = Client()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.post("/accounts/login/", {"username": "x", "password": "y"}).content.decode()
    assert _title(page).startswith("Error: ")


def test_a_login_page_without_errors_has_no_summary_and_a_plain_title(db):
    page = Client().get("/accounts/login/").content.decode()
    assert 'id="error-summary"' not in page
    assert not _title(page).startswith("Kesalahan")


def test_the_error_summary_is_an_alert_that_can_take_focus(db):
    page = Client().post("/accounts/login/", {"username": "x", "password": "y"}).content.decode()
    summary = _summary(page)
    assert 'role="alert"' in summary
    assert 'tabindex="-1"' in summary
    assert "js/portal.js" in page  # the script that moves focus to it


def test_the_error_summary_links_each_error_to_its_field(people, login):
    page = (
        login(people["inspektur"])
        .post("/cycles/start/", {"title": "", "year": "1900"})
        .content.decode()
    )
    summary = _summary(page)
    assert 'href="#id_title"' in summary
    assert 'href="#id_year"' in summary
    assert 'id="id_title"' in page and 'id="id_year"' in page


def test_a_step_form_with_errors_shows_the_summary(people, login, cycle_at):
    cycle = cycle_at(State.for_step(7))
    page = (
        login(people["sekretaris"])
        .post(f"/cycles/{cycle.pk}/return_step_7/", {"expected_state": "step_7", "reason": ""})
        .content.decode()
    )
    assert 'href="#id_reason"' in _summary(page)
    assert _title(page).startswith("Kesalahan: ")


def test_the_password_change_form_with_errors_shows_the_summary(people, login):
    page = (
        login(people["staf"])
        .post("/accounts/password/", {"old_password": "salah", "new_password1": "a"})
        .content.decode()
    )
    assert 'href="#id_old_password"' in _summary(page)


def test_an_error_in_a_table_row_names_the_row_and_links_to_its_cell():
    class Row(forms.Form):
        target = forms.DecimalField(label="Target")

    rows = forms.formset_factory(Row)(
        {
            "form-TOTAL_FORMS": "2",
            "form-INITIAL_FORMS": "0",
            "form-0-target": "1",
            "form-1-target": "satu",
        }
    )
    errors = form_errors(rows)
    assert [(e.label, e.anchor) for e in errors] == [("Baris 2, Target", "id_form-1-target")]


def test_an_unbound_form_has_no_errors_to_announce():
    class Start(forms.Form):
        title = forms.CharField()

    assert form_errors(Start(), None) == []
