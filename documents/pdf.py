"""PDF rendering with WeasyPrint: A4 pages, DejaVu fonts embedded, from templates/documents/pdf/.

Every PDF is rendered in a forked child process with a time limit, a memory limit and a page
limit (settings PDF_MAX_SECONDS, PDF_MAX_MEMORY_BYTES, PDF_MAX_PAGES). Why a child and not a
SIGALRM alarm: an alarm fires only in the main thread (gunicorn gthread workers, runserver and
the browser tests' live server render in other threads), it cannot bound memory (a 4.5 MB comment
once took 615 MB), and an exception thrown into the middle of WeasyPrint's layout leaves its
caches in an unknown state. A child that runs too long is killed, the worker that forked it stays
healthy and answers with a clear page. Fork is cheap here (copy-on-write, WeasyPrint imported
once by the parent); the template is rendered in the parent, so the child never touches the
database.
"""

from __future__ import annotations

import multiprocessing
import resource
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from urllib.request import url2pathname

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from sop_portal.rendered import content_key, kept


class PdfLimitExceeded(Exception):
    """A document that would exceed the page, time or memory limit of PDF rendering."""


def _allowed_roots() -> list[Path]:
    """The portal's own static files: the folders of STATICFILES_DIRS and STATIC_ROOT."""
    roots = [entry[1] if isinstance(entry, tuple) else entry for entry in settings.STATICFILES_DIRS]
    roots.append(settings.STATIC_ROOT)
    return [Path(root).resolve() for root in roots if root]


def url_fetcher():
    """A WeasyPrint URL fetcher that serves data: URIs and the portal's static files, nothing else.

    Refusing everything else keeps a document from reading files of the server (file:///etc/...,
    the settings) or reaching out to the network (http://, and from there the cloud metadata
    address) whatever text ends up in a template.
    """
    from weasyprint.urls import URLFetcher

    roots = _allowed_roots()

    class PortalUrlFetcher(URLFetcher):
        def fetch(self, url: str, headers: Any = None):
            scheme = url.split(":", 1)[0].lower()
            if scheme == "data":
                return super().fetch(url, headers)
            if scheme == "file":
                path = Path(url2pathname(url.split("?")[0].removeprefix("file:"))).resolve()
                if any(path.is_relative_to(root) for root in roots):
                    return super().fetch(url, headers)
            raise ValueError(f"refused by the portal: {url[:80]}")

    return PortalUrlFetcher(allowed_protocols=("data", "file"), allow_redirects=False)


def _render_in_child(html: str, base_url: str, max_pages: int, max_memory: int, conn) -> None:
    """The child: lay out, count pages, write the PDF, send (kind, value) back and exit."""
    try:
        if max_memory:
            resource.setrlimit(resource.RLIMIT_AS, (max_memory, max_memory))
        from weasyprint import HTML

        document = HTML(string=html, base_url=base_url, url_fetcher=url_fetcher()).render()
        pages = len(document.pages)
        if pages > max_pages:
            conn.send(("pages", pages))
        else:
            conn.send(("pdf", document.write_pdf()))
    except MemoryError:
        conn.send(("memory", 0))
    except BaseException as exc:  # everything must reach the parent, even SystemExit
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()


_warm = threading.Lock()
_warmed = False
# A fixed, tiny document in the fonts of the PDFs: rendering it once in the parent loads
# fontconfig, Pango and the fonts, which every forked child then inherits (2-3 s saved per PDF).
WARM_UP_HTML = (
    "<p style=\"font-family: 'DejaVu Serif'\">a <b>b</b></p>"
    "<p style=\"font-family: 'DejaVu Sans'\">a <b>b</b></p>"
)


def _warm_up() -> None:
    global _warmed
    with _warm:
        if not _warmed:
            from weasyprint import HTML

            HTML(string=WARM_UP_HTML, url_fetcher=url_fetcher()).write_pdf()
            _warmed = True


def html_to_pdf(html: str, *, base_url: str | None = None) -> bytes:
    """PDF bytes of `html`, within the page, time and memory limits; PdfLimitExceeded if not."""
    _warm_up()
    max_pages = settings.PDF_MAX_PAGES
    seconds = settings.PDF_MAX_SECONDS
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(
        target=_render_in_child,
        args=(
            html,
            base_url or str(settings.BASE_DIR),
            max_pages,
            settings.PDF_MAX_MEMORY_BYTES,
            sender,
        ),
        daemon=True,
    )
    child.start()
    sender.close()
    try:
        if not receiver.poll(seconds):
            raise PdfLimitExceeded(
                _("Pembuatan PDF dihentikan: melebihi batas waktu %(s)d detik.") % {"s": seconds}
            )
        try:
            kind, value = receiver.recv()
        except EOFError:
            kind, value = "error", f"the renderer ended with code {child.exitcode}"
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join()
    if kind == "pdf":
        return value
    if kind == "pages":
        raise PdfLimitExceeded(
            _("Dokumen terlalu panjang: %(pages)d halaman, batasnya %(max)d halaman.")
            % {"pages": value, "max": max_pages}
        )
    if kind == "memory":
        raise PdfLimitExceeded(_("Pembuatan PDF dihentikan: melebihi batas memori."))
    raise RuntimeError(f"PDF rendering failed: {value}")


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    """Render a template to PDF bytes (the text is Indonesian whatever the user's language)."""
    with translation.override("id"):
        html = render_to_string(template, context)
    return html_to_pdf(html)


# --- PDFs rendered once per content --------------------------------------------------------------
# A printable PDF (the monitoring report, the SOP document) is kept in the cache under a key that
# names everything it shows, so the same content is laid out once, not on every request.
# Documents larger than this are rendered each time: a cache entry is held in memory (in every
# worker with the local-memory cache), and a PDF that large is rare enough not to matter.
PDF_CACHE_MAX_BYTES = 512 * 1024
# Keys change with their content; the timeout only frees what nobody asks for any more.
PDF_CACHE_SECONDS = 24 * 60 * 60


def cached_pdf(key_parts: Sequence[object], render: Callable[[], bytes]) -> bytes:
    """The PDF whose content `key_parts` names: from the cache, else `render()` and keep it.

    `key_parts` must name everything the document shows (values that JSON or str() spell out
    fully): two requests with equal parts get the same bytes. Access is checked by the caller,
    before this is called. A request for a PDF that another one is rendering waits for it, at most
    as long as a rendering may take (settings.PDF_MAX_SECONDS).
    """
    return kept(
        content_key("pdf", key_parts),
        render,
        max_bytes=PDF_CACHE_MAX_BYTES,
        timeout=PDF_CACHE_SECONDS,
        single_flight=settings.PDF_MAX_SECONDS,
    )


def qr_data_uri(url: str) -> str:
    """A QR code of `url` as an SVG data URI (segno), crisp at any print size."""
    import segno

    return segno.make(url, error="m").svg_data_uri(scale=4, border=1)
