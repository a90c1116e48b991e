import pytest
from django.test import Client

from workflow.models import State


def test_healthz_answers_ok_without_login_or_database(client):
    # No `db` fixture: any database access here would raise.
    response = client.get("/healthz/")
    assert response.status_code == 200
    assert response.content == b"ok"


@pytest.mark.parametrize("url", ["/", "/cycles/", "/dashboard/", "/sop/perencanaan-kinerja/"])
def test_pages_need_login(db, url):
    response = Client().get(url)
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_logout_refuses_get(people, login):
    assert login(people["staf"]).get("/accounts/logout/").status_code == 405


def test_logout_by_post_signs_out(people, login):
    client = login(people["staf"])
    client.post("/accounts/logout/")
    assert client.get("/").status_code == 302


def test_login_page_is_indonesian_by_default(db):
    assert "Masuk ke SOP Portal" in Client().get("/accounts/login/").content.decode()


def test_language_switch_shows_english(people, login):
    client = login(people["staf"])
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "My tasks" in client.get("/").content.decode()


def test_person_without_role_gets_403_on_a_cycle(people, login, cycle_at):
    cycle = cycle_at(State.for_step(2))
    assert login(people["outsider"]).get(f"/cycles/{cycle.pk}/").status_code == 403


def test_person_without_role_sees_no_cycles_in_the_list(people, login, cycle_at):
    cycle = cycle_at(State.for_step(2))
    assert cycle.title not in login(people["outsider"]).get("/cycles/").content.decode()


def test_staf_cannot_open_the_dashboard(people, login):
    assert login(people["staf"]).get("/dashboard/").status_code == 403


def test_sekretaris_can_open_the_dashboard(people, login):
    assert login(people["sekretaris"]).get("/dashboard/").status_code == 200


def test_password_change_page_renders(people, login):
    assert login(people["staf"]).get("/accounts/password/").status_code == 200
