"""Pieces of pages kept once rendered, under a key that names everything they show.

A list draws the same rows on every request, and a row changes only when what it shows changes
(its cycle moves, a step's text is edited). Each row is kept in the cache under a digest of the
values it shows, the language and the code version: a changed row has a new key, so nothing is
ever invalidated, and a request renders only the rows it has not seen before. The per-request
parts of a page (its CSP nonce, its CSRF token, the person's menu) are never inside a kept piece.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import time
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.template.loader import get_template
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

Row = TypeVar("Row")
Piece = TypeVar("Piece", str, bytes)

# Keys change with their content; the timeout only frees what nobody asks for any more.
ROW_CACHE_SECONDS = 24 * 60 * 60
# The source of the portal that shapes what it shows: its code, templates and translations.
_SOURCE_DIRS = ("documents", "workflow", "sop_portal", "templates", "locale")
_SOURCE_SUFFIXES = {".py", ".html", ".mo"}
# The installed packages that shape it: the PDF renderer, dates and formats, the holidays.
_SHAPING_PACKAGES = ("weasyprint", "django", "holidays")
# How often a request waiting for another's rendering of a piece looks for it.
SINGLE_FLIGHT_POLL_SECONDS = 0.05


@lru_cache(maxsize=1)
def code_version() -> str:
    """A digest of the portal's source, the packages that shape its pages and PDFs and the time
    zone (once a process).

    Part of every kept piece's key: a deploy that changes a template, a filter, a translation or
    the renderer never serves a piece laid out by the code before it (a Redis cache outlives it).
    """
    # Versions read from the installed metadata: importing WeasyPrint here would cost a second.
    versions = [importlib.metadata.version(name) for name in _SHAPING_PACKAGES]
    digest = hashlib.sha256(json.dumps([versions, settings.TIME_ZONE]).encode())
    base = Path(settings.BASE_DIR)
    for folder in _SOURCE_DIRS:
        for path in sorted((base / folder).rglob("*")):
            if path.suffix in _SOURCE_SUFFIXES and path.is_file():
                digest.update(str(path.relative_to(base)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def content_key(prefix: str, parts: Sequence[object]) -> str:
    """The cache key of a piece that shows `parts` (values JSON or str() spell out fully)."""
    spelled = json.dumps([code_version(), *parts], default=str, sort_keys=True)
    return f"{prefix}:{hashlib.sha256(spelled.encode()).hexdigest()}"


def rendered_rows(
    template_name: str,
    rows: Sequence[Row],
    shown: Callable[[Row], Sequence[object]],
    prepare: Callable[[list[Row]], None] | None = None,
) -> list[SafeString]:
    """Each of `rows` rendered with `template_name` (as `row`), kept rows from the cache.

    `shown(row)` names every value the row's template shows, or decides on: two rows with equal
    values must render the same HTML, whoever asks (the template sees `row` and nothing of the
    request). `prepare(missing)` reads what only the rows to render need (one query for all of
    them), before they are rendered.
    """
    language = translation.get_language()
    keys = [content_key("row", [template_name, language, *shown(row)]) for row in rows]
    kept = cache.get_many(keys)
    missing = [row for key, row in zip(keys, rows, strict=True) if key not in kept]
    if missing and prepare is not None:
        prepare(missing)
    template = get_template(template_name)
    new: dict[str, str] = {}
    result = []
    for key, row in zip(keys, rows, strict=True):
        html = kept.get(key)
        if html is None:
            html = new[key] = template.render({"row": row})
        result.append(mark_safe(html))  # noqa: S308 - our own template's output
    if new:
        cache.set_many(new, ROW_CACHE_SECONDS)
    return result


def kept(
    key: str,
    render: Callable[[], Piece],
    *,
    max_bytes: int | None = None,
    timeout: int = ROW_CACHE_SECONDS,
    single_flight: float = 0,
) -> Piece:
    """The piece kept under `key` (a `content_key`), else `render()` and keep it.

    A piece over `max_bytes` is rendered every time (an entry is held in memory, in every worker
    with the local-memory cache). With `single_flight` seconds, one request renders a missing
    piece while the others asking for it wait for it, up to that long, then render it
    themselves: a PDF that ten people open at once is laid out once, not ten times.
    """
    piece = cache.get(key)
    if piece is not None:
        return piece
    lock = f"{key}:rendering"
    if single_flight and not cache.add(lock, 1, timeout=max(1, round(single_flight))):
        deadline = time.monotonic() + single_flight
        while time.monotonic() < deadline:
            time.sleep(SINGLE_FLIGHT_POLL_SECONDS)
            piece = cache.get(key)
            if piece is not None:
                return piece
            if cache.get(lock) is None:  # the renderer failed or its piece was too large
                break
    try:
        piece = render()
        if max_bytes is None or len(piece) <= max_bytes:
            cache.set(key, piece, timeout)
    finally:
        if single_flight:
            cache.delete(lock)
    return piece


def kept_html(prefix: str, parts: Sequence[object], render: Callable[[], str]) -> SafeString:
    """The HTML that `parts` name (everything it shows, as for `rendered_rows`, in the language
    of the request): from the cache, else `render()` and keep it."""
    key = content_key(prefix, [translation.get_language(), *parts])
    return mark_safe(kept(key, lambda: str(render())))  # noqa: S308 - our own renderer's output
