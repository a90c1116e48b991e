"""Template tags of the documents app: the documents panel of a cycle and Indonesian numbers."""

from __future__ import annotations

from typing import Any

from django import template

from workflow.models import Cycle, User

from .. import formatting, selectors, services
from ..forms import ArtefactUploadForm
from ..models import Distribution

register = template.Library()


@register.inclusion_tag("documents/_cycle_documents.html", takes_context=True)
def cycle_documents(context, cycle: Cycle, user: User) -> dict[str, Any]:
    """The documents panel of the cycle page: files, table, signed document, archive, report."""
    artefacts = list(selectors.cycle_artefacts(cycle))
    steps: dict[int, list] = {}
    for artefact in artefacts:
        steps.setdefault(artefact.step_number, []).append(artefact)
    may_upload = services.may_upload(cycle, user)
    document = selectors.measurement_document(cycle)
    has_table = services.has_measurement_table(cycle)
    archive = selectors.archive_record(cycle)
    if archive is not None and document is not None and archive.softfile_id == document.pk:
        archive.softfile = document  # the softfile is the signed document, read above
    # The table's rows are counted only where there is a table, and the copies handed out
    # read only once the paper original is archived: the panel shows them nowhere else.
    return {
        "cycle": cycle,
        "user": user,
        "csrf_token": context.get("csrf_token"),
        "artefacts_by_step": sorted(steps.items()),
        "may_upload": may_upload,
        "upload_form": ArtefactUploadForm(step=cycle.current_step) if may_upload else None,
        "has_table": has_table,
        "may_edit_measurements": services.may_edit_measurements(cycle, user),
        "row_count": cycle.measurement_rows.count() if has_table else 0,
        "document": document,
        "verify_url": services.verify_url(document.token) if document else "",
        "archive": archive,
        "distributions": list(Distribution.objects.filter(cycle=cycle).select_related("unit"))
        if archive
        else [],
    }


@register.filter
def id_number(value, places=None) -> str:
    """68,5 (or with fixed places: 104,00)."""
    return formatting.id_number(value, None if places in (None, "") else int(places))


@register.filter
def id_percent(value) -> str:
    """104,00%."""
    return formatting.id_percent(value)


@register.filter
def id_date(value) -> str:
    """30 Desember 2024."""
    return formatting.id_date(value)


@register.filter
def id_datetime(value) -> str:
    """30 Desember 2024 14.05 WIB."""
    return formatting.id_datetime(value)


@register.filter
def short_hash(value: str) -> str:
    """The first 12 hex digits of a SHA-256, enough to compare by eye."""
    return (value or "")[:12]


@register.filter
def working_duration(seconds) -> str:
    """Working time as "1 jam 20 menit" (the engine's own wording)."""
    from workflow.clock import format_working_duration

    return format_working_duration(seconds)
