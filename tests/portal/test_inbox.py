from django.db import connection
from django.test.utils import CaptureQueriesContext

from workflow import selectors
from workflow.models import State


def test_inbox_shows_the_step_waiting_for_me_with_its_requirement(people, login, cycle_at):
    cycle = cycle_at(State.for_step(4))
    page = login(people["staf"]).get("/").content.decode()
    step = cycle.sop_step(4)
    assert cycle.title in page
    assert step.requirement in page
    assert step.output in page


def test_inbox_of_someone_else_does_not_show_the_step(people, login, cycle_at):
    cycle = cycle_at(State.for_step(4))
    assert cycle.title not in login(people["irban1"]).get("/").content.decode()


def test_empty_inbox_says_what_will_appear(people, login):
    page = login(people["staf"]).get("/").content.decode()
    assert "Tidak ada langkah yang menunggu Anda" in page


def test_inbox_shows_terlambat_for_a_late_step(people, login, cycle_at):
    from datetime import timedelta

    from django.utils import timezone

    from workflow.models import Cycle

    cycle = cycle_at(State.for_step(4))
    Cycle.objects.filter(pk=cycle.pk).update(due_at=timezone.now() - timedelta(hours=1))
    assert "Terlambat" in login(people["staf"]).get("/").content.decode()


def test_irban_who_reported_no_longer_sees_step_5(people, login, cycle_at):
    from tests.workflow.helpers import run

    cycle = cycle_at(State.for_step(5))
    run(cycle, "report_unit", people["irban1"], report="Data Irban I")
    assert cycle.title not in login(people["irban1"]).get("/").content.decode()


def _queries(client, url):
    client.get(url)  # warm: the person's roles and permissions are kept after the first request
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_inbox_query_count_does_not_grow_with_cycles(people, login, many_cycles):
    """From more than a page to 500 cycles (a first page that holds them all is one fewer)."""
    client = login(people["staf"])
    many_cycles(200)
    few = _queries(client, "/")
    assert selectors.inbox(people["staf"])["page"].paginator.count > selectors.PAGE_SIZE
    many_cycles(300)
    assert _queries(client, "/") == few


RETURN_REASON = "Target Nilai SAKIP belum sesuai RENSTRA; sesuaikan realisasi."


def _returned_to_step_6(cycle_at, people, year: int = 2026):
    from tests.workflow.helpers import run

    cycle = cycle_at(State.for_step(7), year)
    record = run(cycle, "return_step_7", people["sekretaris"], reason=RETURN_REASON)
    return cycle, record


def test_inbox_card_of_a_returned_step_says_who_returned_it_when_and_why(people, login, cycle_at):
    from workflow.templatetags.portal import long_datetime

    _cycle, record = _returned_to_step_6(cycle_at, people)
    page = login(people["tim1"]).get("/").content.decode()
    assert "Dikembalikan" in page
    assert people["sekretaris"].full_name in page
    assert long_datetime(record.done_at) in page
    assert RETURN_REASON in page


def test_inbox_card_drops_the_return_once_the_step_is_done_again(people, login, cycle_at):
    from tests.workflow.helpers import run

    cycle, _record = _returned_to_step_6(cycle_at, people)
    run(cycle, "complete_step_6", people["tim1"])
    page = login(people["sekretaris"]).get("/").content.decode()
    assert cycle.title in page
    assert "Dikembalikan" not in page


def test_inbox_card_of_a_step_never_returned_does_not_say_returned(people, login, cycle_at):
    cycle_at(State.for_step(6))
    assert "Dikembalikan" not in login(people["tim1"]).get("/").content.decode()


def test_inbox_query_count_does_not_grow_with_returned_steps(people, login, cycle_at):
    client = login(people["tim1"])
    _returned_to_step_6(cycle_at, people, 2020)
    few = _queries(client, "/")
    for year in (2021, 2022, 2023):
        _returned_to_step_6(cycle_at, people, year)
    assert _queries(client, "/") == few
    assert client.get("/").content.decode().count("Dikembalikan") == 4
