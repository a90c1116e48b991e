"""PDF rendering with WeasyPrint: A4 pages, DejaVu fonts embedded, from templates/documents/pdf/."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    """Render a template to PDF bytes (the text is Indonesian whatever the user's language)."""
    from weasyprint import HTML

    with translation.override("id"):
        html = render_to_string(template, context)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def qr_data_uri(url: str) -> str:
    """A QR code of `url` as an SVG data URI (segno), crisp at any print size."""
    import segno

    return segno.make(url, error="m").svg_data_uri(scale=4, border=1)
