"""Every page works for every SOP of the office: the signed nine-step SOP and the example."""

import pytest
from django.urls import reverse

from tests.factories import planning_sop
from tests.workflow.helpers import run
from workflow.models import Cycle, SopDefinition
from workflow.services import start_cycle

EXAMPLE = "contoh-reviu-laporan-keuangan"


@pytest.fixture
def example_cycle(people):
    """A cycle of the example SOP at its per-unit step 2, with one unit reported."""
    cycle = start_cycle(
        sop=SopDefinition.in_force(EXAMPLE),
        title="Reviu LKPD 2026",
        year=2026,
        actor=people["inspektur"],
    )
    run(cycle, "complete_step_1", people["inspektur"], team=[people["tim1"], people["tim2"]])
    run(cycle, "report_unit", people["irban1"], report="Data Irban I")
    return Cycle.objects.get(pk=cycle.pk)


def test_the_sop_book_lists_every_sop_in_force_and_marks_the_example(people, login):
    html = login(people["staf"]).get("/sop/").content.decode()
    assert "Perencanaan Kinerja" in html
    assert "CONTOH - Reviu Laporan Keuangan Pemerintah Daerah" in html
    assert "Contoh, bukan SOP yang ditandatangani" in html


def test_the_example_sop_page_says_it_is_an_example_and_draws_its_own_lanes(people, login):
    html = login(people["staf"]).get(f"/sop/{EXAMPLE}/").content.decode()
    assert "bukan SOP yang ditandatangani kantor" in html
    assert ">Tim Reviu<" in html
    assert "Tidak: kembali ke langkah 3" in html


def test_every_sop_prints_as_pdf(people, login):
    client = login(people["staf"])
    for code in ("perencanaan-kinerja", EXAMPLE):
        response = client.get(reverse("documents:sop_pdf", args=[code]))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"


def test_a_draft_revision_is_shown_only_to_those_who_write_sops(people, login):
    sop = SopDefinition.in_force(EXAMPLE)
    SopDefinition.objects.filter(pk=sop.pk).update(status=SopDefinition.Status.DRAFT)
    assert login(people["staf"]).get(f"/sop/{EXAMPLE}/?revision=1").status_code == 404


def test_the_inbox_shows_a_per_unit_step_of_another_sop_to_the_units_still_to_report(
    people, login, example_cycle
):
    waiting = login(people["irban2"]).get("/").context["items"]
    assert [item.cycle.pk for item in waiting] == [example_cycle.pk]
    assert waiting[0].step.number == 2
    assert login(people["irban1"]).get("/").context["items"] == []


def test_the_cycle_page_of_another_sop_names_its_own_per_unit_step(people, login, example_cycle):
    html = login(people["staf"]).get(f"/cycles/{example_cycle.pk}/").content.decode()
    assert "Laporan unit (langkah 2)" in html
    # The example SOP has no measurement table: no link to one, and no such page.
    assert reverse("documents:measurements", args=[example_cycle.pk]) not in html
    assert (
        login(people["tim1"])
        .get(reverse("documents:measurements", args=[example_cycle.pk]))
        .status_code
        == 404
    )


def test_the_cycle_list_filters_by_sop(people, login, example_cycle, cycle_at):
    cycle_at("step_3")
    client = login(people["staf"])
    rows = client.get("/cycles/", {"sop": EXAMPLE}).context["rows"]
    assert [row["cycle"].pk for row in rows] == [example_cycle.pk]
    rows = client.get("/cycles/", {"sop": "perencanaan-kinerja"}).context["rows"]
    assert example_cycle.pk not in [row["cycle"].pk for row in rows] and len(rows) == 1


def test_the_dashboard_gives_an_overview_of_every_sop_and_the_detail_of_one(
    people, login, example_cycle, cycle_at
):
    cycle_at("step_3")
    client = login(people["inspektur"])
    overview = {row["sop"].code: row for row in client.get("/dashboard/").context["overview"]}
    assert overview["perencanaan-kinerja"]["open"] == 1
    assert overview[EXAMPLE]["open"] == 1
    assert overview[EXAMPLE]["n"] == 1 and overview[EXAMPLE]["rate"] == 100
    detail = client.get("/dashboard/", {"sop": EXAMPLE}).context
    assert detail["sop"].code == EXAMPLE
    assert [row["step"].number for row in detail["per_step"]] == [1, 2, 3, 4, 5, 6]
    assert ("step_2", "Langkah 2: " + detail["per_step"][1]["step"].title, 1) in detail["by_state"]


def test_a_new_cycle_keeps_the_revision_it_started_with(people):
    from workflow.sop_data import create_revision, load

    old = planning_sop()
    cycle = start_cycle(sop=old, title="PK 2030", year=2030, actor=people["inspektur"])
    data = load("perencanaan_kinerja")
    data["steps"][0]["title"] = "Memerintahkan merencanakan kinerja (revisi)"
    from django.apps import apps
    from django.utils import timezone

    new = create_revision(apps, data, publish=True, now=timezone.now())
    assert new.revision == old.revision + 1
    cycle = Cycle.objects.get(pk=cycle.pk)
    assert (
        cycle.sop_id == old.pk and cycle.current_step.title == "Memerintahkan merencanakan kinerja"
    )
    record = run(cycle, "complete_step_1", people["inspektur"])
    assert record.step_title == "Memerintahkan merencanakan kinerja"
    fresh = start_cycle(sop=planning_sop(), title="PK 2031", year=2031, actor=people["inspektur"])
    assert fresh.sop_id == new.pk
    assert fresh.current_step.title.endswith("(revisi)")


def _queries(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm: the person's roles and permissions are kept after the first request
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", ["/", "/cycles/", "/dashboard/", "/sop/", "/cycles/start/"])
def test_a_page_costs_the_same_queries_whatever_the_number_of_sops(people, login, url):
    from django.apps import apps
    from django.utils import timezone

    from workflow.sop_data import create_revision, load

    def add_sops(first: int, count: int) -> None:
        for n in range(first, first + count):
            data = load("contoh_reviu_laporan")
            data["code"] = f"contoh-{n}"
            sop = create_revision(apps, data, publish=True, now=timezone.now())
            start_cycle(sop=sop, title=f"Contoh {n}", year=2026, actor=people["inspektur"])

    client = login(people["inspektur"])
    add_sops(1, 1)
    client.get(url)  # warm the caches a first request fills
    few = _queries(client, url)
    add_sops(2, 10)
    assert _queries(client, url) == few


def test_the_cycle_page_of_an_sop_with_no_team_and_no_unit_step_reads_neither(people, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.workflow.sop_strategies import definition, save_definition, step_spec

    sop = save_definition(definition([step_spec(1, "inspektur"), step_spec(2, "staf")]))
    cycle = start_cycle(sop=sop, title="Siklus sederhana", year=2026, actor=people["inspektur"])
    client = login(people["inspektur"])
    with CaptureQueriesContext(connection) as page:
        response = client.get(reverse("workflow:cycle", args=[cycle.pk]))
    assert response.status_code == 200
    assert "Siklus sederhana" in response.content.decode()
    read = " ".join(query["sql"] for query in page.captured_queries)
    assert "workflow_cycle_team" not in read
    assert "workflow_unitreport" not in read
