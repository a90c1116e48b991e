"""One whole cycle in a real browser: nine steps, five unit reports, a return, uploads, signing."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from workflow.models import Cycle, State

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _upload_all(page) -> None:
    inputs = page.locator("input[type=file]")
    for i in range(inputs.count()):
        inputs.nth(i).set_input_files(
            files=[{"name": f"berkas-{i + 1}.pdf", "mimeType": "application/pdf", "buffer": PDF}]
        )


def _act(page, portal, cycle_id: int, label: str, fill=None) -> None:
    """From the cycle page: open the action, fill the form, submit, land on the cycle page."""
    portal.go(f"/cycles/{cycle_id}/")
    page.get_by_role("link", name=label, exact=True).click()
    if fill:
        fill(page)
    _upload_all(page)
    page.locator("main form").get_by_role("button", name=label, exact=True).click()
    page.wait_for_url(re.compile(rf".*/cycles/{cycle_id}/$"))
    expect(page.locator(".alert-success")).to_contain_text("Tersimpan")


def _state(cycle_id: int) -> str:
    return Cycle.objects.values_list("state", flat=True).get(pk=cycle_id)


def test_a_cycle_walks_through_all_nine_steps_in_the_browser(
    page, portal, people, signing, screenshot
):
    page.set_viewport_size({"width": 1280, "height": 900})

    # Step 1 (Mulai): the Inspektur starts the cycle from the cycle list.
    portal.go("/accounts/login/")
    screenshot("01-login")
    portal.login(people["inspektur"])
    portal.go("/cycles/")
    page.get_by_role("button", name="Mulai siklus baru").click()
    start = page.locator("#start-cycle")
    # Fill and submit once the form has finished opening, not while it slides.
    expect(start).to_have_class(re.compile(r"\bshow\b"))
    start.get_by_label("Judul siklus").fill("Perencanaan Kinerja Tahun 2027")
    start.get_by_label("Tahun").fill("2027")
    with page.expect_navigation(url=re.compile(r".*/cycles/\d+/$")):
        start.get_by_role("button", name="Mulai", exact=True).click()
    cycle_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
    screenshot("02-cycle-start")
    _act(page, portal, cycle_id, "Selesaikan langkah 1")
    portal.logout()

    # Step 2: the Sekretaris names the team, from the inbox.
    portal.login(people["sekretaris"])
    expect(page.locator("main")).to_contain_text("Perencanaan Kinerja Tahun 2027")
    screenshot("03-inbox")

    def pick_team(page):
        page.get_by_label(re.compile(people["tim1"].full_name)).check()
        page.get_by_label(re.compile(people["tim2"].full_name)).check()
        screenshot("04-step-form-team")

    _act(page, portal, cycle_id, "Selesaikan langkah 2", pick_team)
    portal.logout()

    # Step 3: the team; step 4: the staff.
    portal.login(people["tim1"])
    _act(page, portal, cycle_id, "Selesaikan langkah 3")
    portal.logout()
    portal.login(people["staf"])
    _act(page, portal, cycle_id, "Selesaikan langkah 4")
    portal.logout()

    # Step 5: five units report, each for their own unit.
    for who in ("sekretaris", "irban1", "irban2", "irban3", "irban4"):
        portal.login(people[who])
        portal.go(f"/cycles/{cycle_id}/")
        link = page.get_by_role("link", name=re.compile("^Laporkan data unit"))
        link.click()
        page.get_by_label("Ringkasan laporan unit").fill(f"Data perencanaan kinerja dari {who}")
        _upload_all(page)
        page.locator("main form").get_by_role("button", name=re.compile("^Laporkan")).click()
        page.wait_for_url(re.compile(rf".*/cycles/{cycle_id}/$"))
        portal.logout()
    assert _state(cycle_id) == State.for_step(6)

    # Step 6: the team fills the measurement table, then holds its meeting.
    portal.login(people["tim2"])
    portal.go(f"/cycles/{cycle_id}/measurements/")
    page.fill("[name=rows-0-sasaran]", "Meningkatnya akuntabilitas kinerja")
    page.fill("[name=rows-0-indikator]", "Nilai SAKIP Pemerintah Daerah")
    page.fill("[name=rows-0-satuan]", "nilai")
    page.fill("[name=rows-0-target]", "70")
    page.fill("[name=rows-0-realisasi]", "68,5")
    page.get_by_role("button", name="Simpan tabel").click()
    expect(page.locator(".alert-success")).to_be_visible()
    _act(page, portal, cycle_id, "Selesaikan langkah 6")
    portal.logout()

    # A person without the role at step 7: no button, and a forged POST gets 403.
    portal.login(people["staf"])
    portal.go(f"/cycles/{cycle_id}/")
    expect(page.get_by_role("link", name="Kembalikan (Tidak)")).to_have_count(0)
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    forged = page.request.post(
        f"{portal.url}/cycles/{cycle_id}/return_step_7/",
        form={"expected_state": "step_7", "reason": "palsu"},
        headers={"X-CSRFToken": token, "Referer": f"{portal.url}/cycles/{cycle_id}/"},
    )
    assert forged.status == 403
    portal.logout()

    # Step 7: the Sekretaris returns the draft with a reason; the team redoes step 6.
    portal.login(people["sekretaris"])
    _act(
        page,
        portal,
        cycle_id,
        "Kembalikan (Tidak)",
        lambda p: p.get_by_label("Alasan").fill("Realisasi indikator SAKIP belum dilampiri bukti"),
    )
    expect(page.locator("main")).to_contain_text("Realisasi indikator SAKIP belum dilampiri bukti")
    expect(page.locator("svg.sop-flowchart")).to_contain_text("Dikembalikan")
    screenshot("05-cycle-returned")
    portal.logout()
    portal.login(people["tim1"])
    _act(page, portal, cycle_id, "Selesaikan langkah 6")
    portal.logout()
    portal.login(people["sekretaris"])
    _act(page, portal, cycle_id, "Setujui (Ya)")
    portal.logout()

    # Step 8: the Inspektur approves from the dashboard.
    portal.login(people["inspektur"])
    portal.go("/dashboard/")
    waiting = page.locator("section", has=page.get_by_role("heading", name="Menunggu Inspektur"))
    expect(waiting).to_contain_text("Perencanaan Kinerja Tahun 2027")
    screenshot("06-dashboard-waiting")
    waiting.get_by_role("link", name="Setujui (Ya)").click()
    screenshot("07-step-form-approve")
    page.locator("main form").get_by_role("button", name="Setujui (Ya)").click()
    page.wait_for_url(re.compile(rf".*/cycles/{cycle_id}/$"))
    assert _state(cycle_id) == State.for_step(9)
    portal.go("/dashboard/")
    expect(waiting).to_contain_text("Tidak ada yang menunggu Inspektur")
    portal.logout()

    # Step 9 (Selesai): the staff distributes and archives.
    def archive(page):
        page.locator("input[name='archive-units']").first.check()
        page.get_by_label("Lemari").fill("L-02")
        page.get_by_label("Rak").fill("3")
        page.get_by_label("Boks").fill("B-2027")
        page.get_by_label("Map").fill("PK-2027")

    portal.login(people["staf"])
    _act(page, portal, cycle_id, "Selesaikan langkah 9", archive)
    assert _state(cycle_id) == State.COMPLETED
    flowchart = page.locator("svg.sop-flowchart")
    expect(flowchart).not_to_contain_text("Sedang berjalan")
    expect(flowchart).to_contain_text("Selesai, tepat waktu")
    screenshot("08-cycle-completed")
    portal.go("/cycles/")
    screenshot("09-cycle-list")
    portal.go("/sop/perencanaan-kinerja/")
    screenshot("10-sop")
    page.set_viewport_size({"width": 390, "height": 844})
    portal.go(f"/cycles/{cycle_id}/")
    screenshot("11-cycle-phone")
    portal.logout()
