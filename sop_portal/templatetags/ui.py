"""Small parts of every page: icons as inline SVG (no icon font to download), progress bars."""

from __future__ import annotations

import re
from functools import cache

from django import template
from django.conf import settings
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

_NAME = re.compile(r"^[a-z0-9-]+$")
_OPEN_TAG = re.compile(r"<svg\b[^>]*>")


@cache
def _icon_body(name: str) -> str:
    """The inner shapes of one icon, read once from node_modules and kept for the process."""
    if not _NAME.match(name):
        raise ValueError(f"not an icon name: {name!r}")
    path = settings.NODE_MODULES_DIR / "bootstrap-icons" / "icons" / f"{name}.svg"
    svg = path.read_text(encoding="utf-8")
    return _OPEN_TAG.sub("", svg, count=1).replace("</svg>", "").strip()


@register.simple_tag
def icon(name: str, extra_class: str = "") -> SafeString:
    """An icon of bootstrap-icons by name ("inbox"), hidden from screen readers (decoration)."""
    classes = f"bi bi-{name} {escape(extra_class)}".strip()
    return mark_safe(  # noqa: S308 - our own files from the package, the class is escaped
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{classes}" viewBox="0 0 16 16" '
        f'width="1em" height="1em" fill="currentColor" aria-hidden="true" focusable="false">'
        f"{_icon_body(name)}</svg>"
    )


@register.simple_tag
def progress_bar(percent: int | float | None, label: str, late: bool = False) -> SafeString:
    """A progress bar without an inline style (the Content-Security-Policy refuses those)."""
    value = max(0, min(100, round(percent or 0)))
    css = "portal-progress portal-progress-late" if late else "portal-progress"
    return format_html(
        '<span class="{}"><progress max="100" value="{}" aria-label="{}">{}%</progress>'
        '<span class="portal-progress-text">{}%</span></span>',
        css,
        value,
        label,
        value,
        value,
    )
