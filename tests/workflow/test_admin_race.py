"""An admin edit during a unit report: the chain stays whole and the cycle moves on."""

import threading
import time

import pytest
from django.contrib.admin.sites import site
from django.core.management import call_command
from django.db import close_old_connections, connection, transaction
from django.test import RequestFactory

from tests.workflow.helpers import advance_to, new_cycle, run
from workflow.audit import verify_cycle
from workflow.models import Cycle, State, User
from workflow.services import execute_transition

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]


@pytest.fixture(autouse=True)
def _needs_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("two real connections racing on one row are the point: PostgreSQL only")


def _admin_edit(cycle_pk: int, admin: User, title: str, reporting: threading.Event) -> None:
    """The admin's change view: read the cycle, then save the edited form during the report."""
    model_admin = site._registry[Cycle]
    request = RequestFactory().post("/admin/")
    request.user = admin
    stale = Cycle.objects.get(pk=cycle_pk)
    form = model_admin.get_form(request, stale)(
        data={"title": title, "year": stale.year}, instance=stale
    )
    assert form.is_valid(), form.errors
    reporting.wait(10)
    model_admin.save_model(request, form.save(commit=False), form, change=True)


def _race(cycle: Cycle, admin: User, reporter: User) -> dict[str, str]:
    reporting = threading.Event()
    outcomes: dict[str, str] = {}

    def guarded(name, work):
        try:
            work()
            outcomes[name] = "done"
        except Exception as error:  # the test reports whatever happened
            outcomes[name] = repr(error)
        finally:
            close_old_connections()
            connection.close()

    def report():
        # The report holds the cycle's row while the admin saves: the admin's UPDATE waits for
        # it and runs after the report has moved the chain head (the stale read of the issue).
        with transaction.atomic():
            Cycle.objects.select_for_update().get(pk=cycle.pk)
            reporting.set()
            time.sleep(0.5)
            execute_transition(
                cycle_id=cycle.pk, transition_name="report_unit", actor=reporter, report="Data"
            )

    threads = [
        threading.Thread(
            target=guarded,
            args=("admin", lambda: _admin_edit(cycle.pk, admin, "Judul dari admin", reporting)),
        ),
        threading.Thread(target=guarded, args=("report", report)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return outcomes


@pytest.mark.parametrize("earlier_reports", [0, 4], ids=["first-report", "last-report"])
def test_an_admin_edit_racing_a_unit_report_leaves_the_chain_whole(
    people, admin_user, earlier_reports
):
    cycle = advance_to(new_cycle(people), people, State.for_step(5))
    heads = ["sekretaris", "irban1", "irban2", "irban3", "irban4"]
    for who in heads[:earlier_reports]:
        run(cycle, "report_unit", people[who], report=f"Laporan {who}")
    reporter = people[heads[earlier_reports]]

    outcomes = _race(cycle, admin_user, reporter)

    assert outcomes == {"admin": "done", "report": "done"}, outcomes
    fresh = Cycle.objects.get(pk=cycle.pk)
    assert fresh.title == "Judul dari admin"
    assert verify_cycle(fresh) is None
    call_command("verify_audit")
    if earlier_reports == 0:
        run(fresh, "report_unit", people[heads[1]], report="Laporan berikutnya")
    else:
        assert fresh.state == State.for_step(6)
        run(fresh, "complete_step_6", people["tim1"])
    assert verify_cycle(Cycle.objects.get(pk=cycle.pk)) is None
