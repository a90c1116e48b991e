"""A piece missing from the cache is rendered once, however many requests ask for it at the same
time (the PDFs), and a rendering that fails or runs long never leaves the others without it."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.cache import cache

from documents import pdf as pdf_module
from sop_portal import rendered


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


class SlowRenderer:
    """A rendering that takes `seconds` and counts how often it ran (it may fail once)."""

    def __init__(self, seconds: float, fail_first: bool = False):
        self.seconds, self.fail_first = seconds, fail_first
        self.calls = 0
        self.lock = threading.Lock()

    def __call__(self) -> bytes:
        with self.lock:
            self.calls += 1
            call = self.calls
        time.sleep(self.seconds)
        if self.fail_first and call == 1:
            raise RuntimeError("the renderer failed")
        return f"%PDF-1.7 render {call}".encode()


def _at_once(count: int, ask) -> list:
    with ThreadPoolExecutor(max_workers=count) as pool:
        futures = [pool.submit(ask) for _ in range(count)]
        return [future.exception() or future.result() for future in futures]


def test_a_pdf_asked_for_by_many_at_once_is_rendered_once():
    render = SlowRenderer(0.3)
    answers = _at_once(6, lambda: pdf_module.cached_pdf(["report", 1], render))
    assert render.calls == 1
    assert answers == [b"%PDF-1.7 render 1"] * 6


def test_a_failed_rendering_lets_the_next_request_render_it():
    render = SlowRenderer(0, fail_first=True)
    with pytest.raises(RuntimeError):
        pdf_module.cached_pdf(["report", 1], render)
    assert pdf_module.cached_pdf(["report", 1], render) == b"%PDF-1.7 render 2"


def test_those_waiting_render_it_themselves_when_the_renderer_fails():
    render = SlowRenderer(0.2, fail_first=True)
    answers = _at_once(3, lambda: pdf_module.cached_pdf(["report", 1], render))
    failed = [answer for answer in answers if isinstance(answer, RuntimeError)]
    assert len(failed) == 1
    assert all(isinstance(a, bytes) for a in answers if a not in failed)


def test_a_request_waits_no_longer_than_its_bound_for_another_rendering():
    key = rendered.content_key("pdf", ["report", 1])
    cache.add(f"{key}:rendering", 1, timeout=60)  # a renderer that never finishes
    started = time.monotonic()
    piece = rendered.kept(key, lambda: b"rendered here", single_flight=0.3)
    assert piece == b"rendered here"
    assert 0.3 <= time.monotonic() - started < 5


def test_a_piece_over_the_size_bound_is_not_kept_and_frees_those_waiting():
    render = SlowRenderer(0.2)
    key = rendered.content_key("pdf", ["large", 1])
    answers = _at_once(3, lambda: rendered.kept(key, render, max_bytes=4, single_flight=30))
    assert all(isinstance(answer, bytes) for answer in answers)
    assert cache.get(key) is None
    assert cache.get(f"{key}:rendering") is None
