"""Lists at a province's scale: counts that stop at a bound, years and search read by index."""

from __future__ import annotations

import pytest
from django.db import connection

from tests.factories import planning_sop
from workflow import selectors
from workflow.models import Cycle
from workflow.services import start_cycle


@pytest.fixture
def cycles(people):
    """`make(years)`: one fresh cycle per year given."""

    def make(years: list[int]) -> list[Cycle]:
        return [
            start_cycle(
                sop=planning_sop(), title=f"Siklus {n} {year}", year=year, actor=people["inspektur"]
            )
            for n, year in enumerate(years)
        ]

    return make


@pytest.fixture
def small_pages(monkeypatch):
    """Pages of one row, counted up to two rows (the bound is then five pages on: six)."""
    monkeypatch.setattr(selectors, "PAGE_SIZE", 1)
    monkeypatch.setattr(selectors, "COUNT_CAP", 2)
    monkeypatch.setattr(selectors, "INBOX_COUNT_CAP", 2)


def test_a_short_list_is_counted_exactly(people, login, cycles):
    cycles([2026, 2026, 2025])
    page = login(people["staf"]).get("/cycles/").content.decode()
    assert "3 siklus ditemukan" in page
    assert "Lebih dari" not in page


def test_a_long_list_says_more_than_it_counted(people, login, cycles, small_pages):
    cycles([2026] * 8)
    response = login(people["staf"]).get("/cycles/")
    page = response.content.decode()
    assert "Lebih dari 6 siklus ditemukan" in page
    assert "Halaman 1<" in page and "Halaman 1 dari" not in page
    assert response.context["page"].has_next()


def test_a_page_past_the_bound_is_still_reached(people, login, cycles, small_pages):
    made = cycles([2026] * 8)
    response = login(people["staf"]).get("/cycles/", {"page": 8})
    assert response.context["page"].number == 8
    # The oldest of the same year comes last.
    assert [row["cycle"] for row in response.context["rows"]] == [made[0]]
    assert "8 siklus ditemukan" in response.content.decode()


def test_the_inbox_says_more_than_it_counted(people, login, cycles, small_pages):
    cycles([2026] * 8)
    page = login(people["inspektur"]).get("/").content.decode()
    assert "Lebih dari 6 langkah menunggu Anda." in page


def test_the_year_filter_offers_each_year_once_newest_first(people, login, cycles):
    cycles([2024, 2026, 2026, 2025])
    assert login(people["staf"]).get("/cycles/").context["years"] == [2026, 2025, 2024]


def test_a_person_without_a_role_is_offered_no_year(people, cycles):
    cycles([2026])
    assert selectors.cycle_years(people["outsider"]) == []


def test_each_row_links_to_its_cycle(people, login, cycles):
    made = cycles([2026, 2025])
    page = login(people["staf"]).get("/cycles/").content.decode()
    for cycle in made:
        assert f'href="/cycles/{cycle.pk}/"' in page


def test_each_inbox_action_links_to_its_step_form(people, login, cycles):
    (cycle,) = cycles([2026])
    page = login(people["inspektur"]).get("/").content.decode()
    assert f'href="/cycles/{cycle.pk}/complete_step_1/"' in page
    assert f'href="/cycles/{cycle.pk}/"' in page


@pytest.mark.postgres
def test_the_title_search_can_read_the_trigram_index(people, cycles):
    if connection.vendor != "postgresql":
        pytest.skip("the trigram index is PostgreSQL's own")
    cycles([2026])
    query = Cycle.objects.filter(title__icontains="siklus 0").order_by().values("pk")
    with connection.cursor() as cursor:
        # A handful of rows would be read whole; the point is that the index fits the query:
        # with plain scans off, only an index whose condition is the search itself is left.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        sql, params = query.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "workflow_cycle_title_trgm" in plan


def test_a_search_with_few_matches_lists_them_newest_year_first(people, cycles):
    made = cycles([2024, 2026, 2025, 2026])
    rows = selectors.cycle_list(people["staf"], {"q": "siklus"})["rows"]
    # Newest year first, then the newest made within a year (the list's order, unsearched).
    assert [row["cycle"].pk for row in rows] == [made[3].pk, made[1].pk, made[2].pk, made[0].pk]


def test_a_search_past_the_bound_lists_the_newest_year_first(people, cycles, small_pages):
    made = cycles([2024, 2025, 2026, 2023, 2022, 2021, 2020])
    context = selectors.cycle_list(people["staf"], {"q": "siklus"})
    assert context["page"].paginator.is_capped
    assert [row["cycle"].pk for row in context["rows"]] == [made[2].pk]


def _first_page(page_size: int):
    paginator = selectors.CappedPaginator(Cycle.objects.order_by("pk"), page_size, 1)
    return paginator, paginator.get_page(1)


def test_a_list_that_fits_on_its_first_page_is_counted_from_its_rows(
    people, cycles, django_assert_num_queries
):
    made = cycles([2026, 2025])
    with django_assert_num_queries(1):
        paginator, page = _first_page(2)
        assert paginator.count == 2
        assert not page.has_next()
    assert [cycle.pk for cycle in page] == [made[0].pk, made[1].pk]


def test_a_list_longer_than_its_first_page_is_still_counted(
    people, cycles, django_assert_num_queries
):
    made = cycles([2026, 2025, 2024])
    with django_assert_num_queries(2):
        paginator, page = _first_page(2)
        assert paginator.count == 3
        assert page.has_next()
    assert [cycle.pk for cycle in page] == [made[0].pk, made[1].pk]
