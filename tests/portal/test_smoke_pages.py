from workflow.models import State


def test_every_main_page_renders_for_the_inspektur(people, login, cycle_at):
    cycle = cycle_at(State.for_step(7))
    client = login(people["inspektur"])
    for url in [
        "/",
        "/cycles/",
        f"/cycles/{cycle.pk}/",
        "/dashboard/",
        "/sop/perencanaan-kinerja/",
    ]:
        assert client.get(url).status_code == 200, url
