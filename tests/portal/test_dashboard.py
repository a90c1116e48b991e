import re
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import planning_sop
from workflow.charts import LATE_COLOUR, ON_TIME_COLOUR
from workflow.models import Cycle, State


def _make_late(cycle):
    Cycle.objects.filter(pk=cycle.pk).update(due_at=timezone.now() - timedelta(hours=2))


def test_dashboard_calls_out_step_4_lateness_with_the_sop_warning(people, login, cycle_at):
    cycle = cycle_at(State.for_step(4))
    _make_late(cycle)
    page = login(people["inspektur"]).get("/dashboard/").content.decode()
    assert 'id="peringatan"' in page
    assert cycle.sop.warning in page


def test_dashboard_has_no_warning_when_step_4_is_on_time(people, login, cycle_at):
    cycle_at(State.for_step(4))
    assert 'id="peringatan"' not in login(people["inspektur"]).get("/dashboard/").content.decode()


def test_dashboard_lists_step_4_first_among_late_steps(people, login, cycle_at):
    other, warning = cycle_at(State.for_step(3), 2025), cycle_at(State.for_step(4), 2026)
    Cycle.objects.filter(pk=other.pk).update(due_at=timezone.now() - timedelta(days=5))
    _make_late(warning)
    late = login(people["inspektur"]).get("/dashboard/").context["late"]
    assert [row["cycle"].pk for row in late] == [warning.pk, other.pk]


def test_dashboard_offers_the_inspektur_a_button_at_step_8(people, login, cycle_at):
    cycle = cycle_at(State.for_step(8))
    page = login(people["inspektur"]).get("/dashboard/").content.decode()
    assert f"/cycles/{cycle.pk}/complete_step_8/" in page


def test_dashboard_offers_the_sekretaris_no_inspektur_button(people, login, cycle_at):
    cycle = cycle_at(State.for_step(8))
    page = login(people["sekretaris"]).get("/dashboard/").content.decode()
    assert f"/cycles/{cycle.pk}/complete_step_8/" not in page


def test_dashboard_counts_cycles_by_state(people, login, cycle_at):
    cycle_at(State.for_step(3), 2025)
    cycle_at(State.for_step(3), 2026)
    by_state = login(people["inspektur"]).get("/dashboard/").context["by_state"]
    assert ("step_3", "Langkah 3: Menyusun konsep rencana kinerja", 2) in by_state


def test_dashboard_median_is_the_middle_working_time(people, login, cycle_at):
    for year in (2024, 2025, 2026):
        cycle_at(State.for_step(2), year)
    per_step = login(people["inspektur"]).get("/dashboard/").context["per_step"]
    step1 = per_step[0]
    assert step1["n"] == 3
    assert step1["median"] is not None


def test_dashboard_query_count_does_not_grow_with_cycles(people, login, many_cycles, cycle_at):
    cycle_at(State.for_step(8))
    # Late in each kind of lane (team, role, unit heads): the late list reads each kind once.
    for number in (3, 4, 5):
        _make_late(cycle_at(State.for_step(number)))
    client = login(people["inspektur"])
    many_cycles(5)
    client.get("/dashboard/")  # warm: roles and permissions are kept after a first request
    with CaptureQueriesContext(connection) as few:
        client.get("/dashboard/")
    many_cycles(495)
    with CaptureQueriesContext(connection) as many:
        client.get("/dashboard/")
    # Fewer when the late list's first rows all wait in one kind of lane.
    assert len(many.captured_queries) <= len(few.captured_queries)


def test_dashboard_reads_no_step_record(people, login, cycle_at):
    cycle_at(State.for_step(8))
    client = login(people["inspektur"])
    for sop in ("perencanaan-kinerja", "contoh-reviu-laporan-keuangan"):
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/dashboard/", {"sop": sop}).status_code == 200
        assert [q["sql"] for q in queries if "workflow_steprecord" in q["sql"]] == []


# --- the chart tells the same truth as the records ---------------------------------------------

SVG = "{http://www.w3.org/2000/svg}"
FRIDAY_MORNING = datetime(2025, 1, 10, 8, 0, tzinfo=ZoneInfo("Asia/Jakarta"))


def _step_2_done(people, *, after_due: timedelta = timedelta(0)):
    """A cycle whose one-day step 2 runs from a Friday to the Monday, done at due + after_due."""
    from tests.workflow.helpers import run
    from workflow.services import start_cycle

    cycle = start_cycle(
        sop=planning_sop(),
        title="Perencanaan Kinerja Tahun 2025",
        year=2025,
        actor=people["inspektur"],
        at=FRIDAY_MORNING,
    )
    run(cycle, "complete_step_1", people["inspektur"], at=FRIDAY_MORNING + timedelta(minutes=20))
    cycle.refresh_from_db()
    return run(
        cycle,
        "complete_step_2",
        people["sekretaris"],
        team=[people["tim1"]],
        at=cycle.due_at + after_due,
    )


def _chart(client) -> ET.Element:
    page = client.get("/dashboard/").content.decode()
    svg = re.search(r"<svg [^>]*class=\"chart-svg\".*?</svg>", page, re.S).group(0)
    return ET.fromstring(svg)  # noqa: S314 - the portal's own page


def _step_group(svg: ET.Element, number: int) -> str:
    return ET.tostring(svg.findall(f"{SVG}g")[number - 1], encoding="unicode")


def test_chart_reads_a_step_done_exactly_at_its_due_time_as_on_time(people, login):
    record = _step_2_done(people)
    assert record.on_time is True
    step_2 = _step_group(_chart(login(people["inspektur"])), 2)
    assert "Tepat waktu" in step_2
    assert ON_TIME_COLOUR in step_2
    assert LATE_COLOUR not in step_2


def test_chart_reads_a_step_done_after_its_due_time_as_late(people, login):
    record = _step_2_done(people, after_due=timedelta(hours=1))
    assert record.on_time is False
    step_2 = _step_group(_chart(login(people["inspektur"])), 2)
    assert "Terlambat" in step_2
    assert LATE_COLOUR in step_2


def test_chart_carries_its_figures_as_a_data_table(people, login):
    _step_2_done(people)
    response = login(people["inspektur"]).get("/dashboard/")
    page = response.content.decode()
    table = page[
        page.index('id="chart-data"') : page.index("</table>", page.index('id="chart-data"'))
    ]
    figures = response.context["chart_rows"][1]["figures"]
    assert figures["percent"] == 100
    step = response.context["chart_rows"][1]["step"]
    assert f"{step.number}. {step.title}" in table
    assert figures["used"] in table
    assert "100%" in table
    assert "Tepat waktu" in table


def test_chart_cuts_no_label_the_full_title_is_in_the_chart(people, login, cycle_at):
    cycle = cycle_at(State.for_step(3))
    svg = _chart(login(people["inspektur"]))
    titles = [t.text for t in svg.iter(f"{SVG}title")]
    for step in cycle.steps.values():
        assert f"{step.number}. {step.title}" in titles


def test_chart_text_fits_inside_the_drawing(people, login):
    _step_2_done(people, after_due=timedelta(hours=1))
    svg = _chart(login(people["inspektur"]))
    width = float(svg.get("viewBox").split()[2])
    # DejaVu Sans averages about 0.62 em per character: a generous estimate of a text's width.
    for text in svg.iter(f"{SVG}text"):
        x, size = float(text.get("x")), float(text.get("font-size"))
        extent = len(text.text) * 0.62 * size
        anchor = text.get("text-anchor", "start")
        left = {"start": x, "middle": x - extent / 2, "end": x - extent}[anchor]
        assert left >= 0 and left + extent <= width, text.text
    for group in svg.findall(f"{SVG}g"):
        label, *verdict = group.findall(f"{SVG}text")[:2]
        if verdict and verdict[0].get("text-anchor") == "end":
            size = float(label.get("font-size"))
            used = (len(label.text) + len(verdict[0].text) + 1) * 0.62 * size
            assert used <= width, (label.text, verdict[0].text)


def test_chart_text_stays_legible_at_360_px(people, login, cycle_at):
    cycle_at(State.for_step(3))
    svg = _chart(login(people["inspektur"]))
    width = float(svg.get("viewBox").split()[2])
    assert svg.get("width") is None  # it scales with the page instead of a fixed width
    phone_box = 320  # a 360 px screen less the page's and the card's padding
    smallest = min(float(t.get("font-size")) for t in svg.iter(f"{SVG}text"))
    assert smallest * phone_box / width >= 11


def test_chart_caption_is_translated(people, login, cycle_at):
    cycle_at(State.for_step(3))
    client = login(people["inspektur"])
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/dashboard/").content.decode()
    assert "Median working time used" in page
    assert "Median waktu kerja terpakai" not in page


# --- the late list says how late and who must act ---------------------------------------------
def test_late_list_says_how_late_in_working_time(people, login, cycle_at):
    from workflow.clock import WorkingCalendar, format_working_duration

    cycle = cycle_at(State.for_step(4))
    due = timezone.now() - timedelta(days=7)
    Cycle.objects.filter(pk=cycle.pk).update(due_at=due)
    response = login(people["inspektur"]).get("/dashboard/")
    overdue = response.context["late"][0]["overdue"]
    expected = WorkingCalendar.load().working_time_between(due, timezone.now())
    assert abs(overdue - expected) < timedelta(minutes=1)
    assert overdue < timedelta(days=3)  # a week is at most five working days of 9 hours
    assert format_working_duration(overdue) in response.content.decode()


def _late_row_actors(people, login, cycle):
    _make_late(cycle)
    page = login(people["inspektur"]).get("/dashboard/").content.decode()
    table = page[
        page.index('id="late-list"') : page.index("</table>", page.index('id="late-list"'))
    ]
    return table


def test_late_list_names_the_staff_who_must_act_at_step_4(people, login, cycle_at):
    table = _late_row_actors(people, login, cycle_at(State.for_step(4)))
    assert "Staf" in table
    assert people["staf"].full_name in table


def test_late_list_names_the_team_of_the_cycle_at_a_team_step(people, login, cycle_at):
    table = _late_row_actors(people, login, cycle_at(State.for_step(3)))
    assert "Tim Penyusun SAKIP/LAKIP" in table
    assert people["tim1"].full_name in table
    assert people["tim2"].full_name in table


def test_late_list_names_the_units_not_yet_reported_at_step_5(people, login, cycle_at):
    from tests.workflow.helpers import run

    cycle = cycle_at(State.for_step(5))
    for who in ("sekretaris", "irban1", "irban2"):
        run(cycle, "report_unit", people[who], report="Data unit")
    table = _late_row_actors(people, login, cycle)
    assert "Belum melapor: Irban III, Irban IV" in table


def test_late_list_measures_each_cycle_from_its_own_due_time(people, login, cycle_at):
    from workflow.clock import WorkingCalendar

    cycles = [cycle_at(State.for_step(4), year) for year in (2023, 2024, 2025)]
    now = timezone.now()
    dues = [now - timedelta(days=400), now - timedelta(days=9, hours=5), now - timedelta(hours=3)]
    for cycle, due in zip(cycles, dues, strict=True):
        Cycle.objects.filter(pk=cycle.pk).update(due_at=due)
    late = login(people["inspektur"]).get("/dashboard/").context["late"]
    calendar = WorkingCalendar.load()
    end = timezone.now()
    for row in late:
        expected = calendar.working_time_between(row["cycle"].due_at, end)
        assert abs(row["overdue"] - expected) < timedelta(minutes=1), row["cycle"].title


# --- the late list and the late counts read only what the page shows ------------------------
def test_late_list_keeps_a_warned_step_first_when_other_late_steps_fill_the_list(
    people, login, cycle_at, monkeypatch
):
    monkeypatch.setattr("workflow.selectors.DASHBOARD_LIST", 2)
    earlier = [cycle_at(State.for_step(3)) for _ in range(3)]
    for days, cycle in enumerate(earlier, start=5):
        Cycle.objects.filter(pk=cycle.pk).update(due_at=timezone.now() - timedelta(days=days))
    warning = cycle_at(State.for_step(4))
    _make_late(warning)
    late = login(people["inspektur"]).get("/dashboard/").context["late"]
    assert [row["cycle"].pk for row in late] == [warning.pk, earlier[-1].pk]


def test_dashboard_counts_as_late_every_open_cycle_past_its_due_time(people, login, cycle_at):
    late = [cycle_at(State.for_step(n)) for n in (2, 3, 4)]
    for cycle in late:
        _make_late(cycle)
    cycle_at(State.for_step(4))  # on time
    context = login(people["inspektur"]).get("/dashboard/").context
    assert context["late_total"] == 3
    assert context["warning_late"] == 1
    overview = {row["sop"].code: row["late"] for row in context["overview"]}
    assert overview[late[0].sop.code] == 3


def test_late_list_reads_only_the_kinds_of_lane_its_cycles_wait_in(people, login, cycle_at):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _make_late(cycle_at(State.for_step(4)))  # a role's lane: staf
    client = login(people["inspektur"])
    with CaptureQueriesContext(connection) as ctx:
        page = client.get("/dashboard/").content.decode()
    assert people["staf"].full_name in page
    read = " ".join(q["sql"] for q in ctx.captured_queries)
    assert "workflow_cycle_team" not in read
    assert "workflow_unitreport" not in read
