"""Views of the documents app: thin, each checks access first, POST for every change."""

from __future__ import annotations

import logging
from functools import wraps
from io import BytesIO
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST

from workflow.models import Cycle
from workflow.selectors import can_view_cycle

from . import integrity, selectors, services
from .forms import ArtefactUploadForm, MeasurementFormSet, VerifyUploadForm
from .models import Artefact, SignedDocument
from .pdf import PdfLimitExceeded

logger = logging.getLogger(__name__)


def _visible_cycle(request: HttpRequest, cycle_id: int) -> Cycle:
    cycle = get_object_or_404(Cycle.objects.select_related("sop"), pk=cycle_id)
    if not can_view_cycle(request.user, cycle):
        raise Http404
    return cycle


def _table_cycle(request: HttpRequest, cycle_id: int) -> Cycle:
    """A visible cycle whose SOP has a measurement table (else there is no such page)."""
    cycle = _visible_cycle(request, cycle_id)
    if not services.has_measurement_table(cycle):
        raise Http404
    return cycle


def _cycle_url(cycle: Cycle) -> str:
    return reverse("workflow:cycle", args=[cycle.pk]) + "#dokumen"


def _pdf_within_limits(view):
    """Answer a PDF that would break the page, time or memory limit with a clear page."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except PdfLimitExceeded as exc:
            logger.warning("PDF refused at %s: %s", request.path, exc)
            return render(request, "documents/pdf_refused.html", {"reason": str(exc)}, status=422)

    return wrapped


def _attachment(data, filename: str, content_type: str) -> FileResponse:
    response = FileResponse(data, as_attachment=True, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def artefact_download(request: HttpRequest, pk: int) -> FileResponse:
    """Hand out an artefact's stored bytes to someone who may see its cycle."""
    artefact = get_object_or_404(Artefact.objects.select_related("cycle"), pk=pk)
    if not can_view_cycle(request.user, artefact.cycle):
        raise Http404
    try:
        handle = integrity.open_checked(artefact)
    except integrity.FileMissing:
        return _file_unavailable(request, artefact.cycle, artefact.original_name, missing=True)
    except integrity.FileChanged:
        return _file_unavailable(request, artefact.cycle, artefact.original_name, missing=False)
    return _attachment(handle, artefact.original_name, artefact.content_type)


def _file_unavailable(request: HttpRequest, cycle: Cycle, name: str, *, missing: bool):
    """Refuse a stored file that is gone (410) or no longer the one recorded (409)."""
    logger.error(
        "Stored file %s of cycle %s %s", name, cycle.pk, "is missing" if missing else "changed"
    )
    return render(
        request,
        "documents/file_unavailable.html",
        {"cycle": cycle, "name": name, "missing": missing},
        status=410 if missing else 409,
    )


@login_required
@require_POST
def artefact_upload(request: HttpRequest, cycle_id: int) -> HttpResponse:
    """Attach a file to the pending step of a cycle."""
    cycle = _visible_cycle(request, cycle_id)
    if not services.may_upload(cycle, request.user):
        raise PermissionDenied
    form = ArtefactUploadForm(request.POST, request.FILES, step=cycle.current_step)
    if form.is_valid():
        try:
            services.upload_artefact(
                cycle=cycle,
                actor=request.user,
                file=form.cleaned_data["file"],
                label=form.cleaned_data["label"],
                kind=_kind_for(cycle, form.cleaned_data["label"]),
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Berkas tersimpan."))
    else:
        for errors in form.errors.values():
            messages.error(request, _("Berkas ditolak: %s") % " ".join(errors))
    return redirect(_cycle_url(cycle))


def _kind_for(cycle: Cycle, label: str) -> str:
    from .forms import artefact_kind

    step = cycle.current_step
    if label in step.artefacts:
        return artefact_kind(step, label)
    return Artefact.Kind.INPUT


@login_required
@require_POST
def artefact_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove a file that is not sealed yet."""
    artefact = get_object_or_404(Artefact.objects.select_related("cycle"), pk=pk)
    if not can_view_cycle(request.user, artefact.cycle):
        raise Http404
    try:
        services.delete_artefact(artefact=artefact, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Berkas dihapus."))
    return redirect(_cycle_url(artefact.cycle))


def _measurement_data(request: HttpRequest) -> tuple[Any, str]:
    """The posted table, with a pressed "Hapus" marking its row and "Tambah baris" adding one."""
    data = request.POST.copy()
    prefix = "rows"
    if "remove" in data:
        data[f"{prefix}-{data['remove']}-DELETE"] = "on"
        return data, "remove"
    if "add" in data:
        total = data.get(f"{prefix}-TOTAL_FORMS", "")
        total = int(total) if total.isdigit() else 0
        data[f"{prefix}-TOTAL_FORMS"] = str(min(total + 1, settings.MEASUREMENT_MAX_ROWS))
        return data, "add" if total < settings.MEASUREMENT_MAX_ROWS else "full"
    return data, "save"


@login_required
@require_http_methods(["GET", "POST"])
def measurements(request: HttpRequest, cycle_id: int) -> HttpResponse:
    """The measurement table: a formset for the holders of its editing steps (the team during
    steps 3 to 6 of the SOP Perencanaan Kinerja), else read only."""
    cycle = _table_cycle(request, cycle_id)
    editable = services.may_edit_measurements(cycle, request.user)
    rows = selectors.measurement_rows(cycle)
    formset, action = None, "show"
    if editable:
        if request.method == "POST":
            data, action = _measurement_data(request)
            formset = MeasurementFormSet(data, prefix="rows")
            if action in ("add", "full"):
                # Nothing is saved: the page comes back with what was typed and one blank row more.
                if action == "full":
                    messages.warning(
                        request,
                        _("Tabel pengukuran paling banyak %(num)d baris.")
                        % {"num": settings.MEASUREMENT_MAX_ROWS},
                    )
            elif not formset.is_valid():
                messages.error(
                    request,
                    _("Tabel belum disimpan: perbaiki isian yang ditandai, lalu simpan lagi."),
                )
            else:
                try:
                    services.save_measurement_rows(
                        cycle=cycle, actor=request.user, rows=formset.rows()
                    )
                except ValidationError as exc:
                    messages.error(request, " ".join(exc.messages))
                else:
                    if action == "remove":
                        messages.success(request, _("Baris dihapus; tabel tersimpan."))
                    else:
                        messages.success(request, _("Tabel pengukuran kinerja tersimpan."))
                    return redirect("documents:measurements", cycle.pk)
        else:
            initial = [services.row_initial(row) for row in rows]
            formset = MeasurementFormSet(initial=initial, prefix="rows")
    elif request.method == "POST":
        raise PermissionDenied
    return render(
        request,
        "documents/measurements.html",
        {
            "cycle": cycle,
            "groups": selectors.group_by_sasaran(rows),
            "average": selectors.average_capaian(rows),
            "formset": formset,
            "frozen": services.measurement_frozen(cycle),
            "max_rows": settings.MEASUREMENT_MAX_ROWS,
            "history": services.measurement_history(cycle),
            # A row added to the page is not a save: nothing is checked yet.
            "show_errors": action in ("save", "remove"),
        },
    )


@login_required
@_pdf_within_limits
def measurement_draft(request: HttpRequest, cycle_id: int) -> FileResponse:
    """An unsigned preview of the measurement document ("KONSEP"), never the signed one."""
    cycle = _table_cycle(request, cycle_id)
    pdf = services.render_measurement_draft(cycle)
    return _attachment(
        BytesIO(pdf), f"konsep-pengukuran-kinerja-{cycle.year}.pdf", "application/pdf"
    )


@login_required
def signed_download(request: HttpRequest, pk: int) -> FileResponse:
    """The stored signed bytes, exactly as signed."""
    document = get_object_or_404(SignedDocument.objects.select_related("cycle"), pk=pk)
    if not can_view_cycle(request.user, document.cycle):
        raise Http404
    try:
        data = integrity.signed_bytes_checked(document)
    except integrity.FileChanged:
        return _file_unavailable(request, document.cycle, document.filename, missing=False)
    return _attachment(BytesIO(data), document.filename, "application/pdf")


@login_required
@_pdf_within_limits
def monitoring_report(request: HttpRequest, cycle_id: int) -> FileResponse:
    """The SOP monitoring table of one cycle as PDF, judgement columns left to the evaluator."""
    cycle = _visible_cycle(request, cycle_id)
    pdf = services.render_monitoring_report(cycle)
    return _attachment(
        BytesIO(pdf), f"monitoring-sop-{cycle.year}-{cycle.pk}.pdf", "application/pdf"
    )


@login_required
@_pdf_within_limits
def sop_pdf(request: HttpRequest, code: str) -> FileResponse:
    """An SOP document in SOP AP layout, printable (the revision in force, or ?revision=N)."""
    from workflow import selectors as workflow_selectors

    if not workflow_selectors.may_see_cycles(request.user):
        raise PermissionDenied
    sop = workflow_selectors.sop_revision_for(request.user, code, request.GET.get("revision"))
    if sop is None:
        raise Http404
    pdf = services.render_sop_document(sop)
    name = f"sop-{sop.code}-revisi-{sop.revision}.pdf"
    return _attachment(BytesIO(pdf), name, "application/pdf")


# Bytes of a multipart request beyond the file itself (boundaries, headers, the CSRF token).
MULTIPART_OVERHEAD = 16 * 1024


def _registered_document(token: str) -> SignedDocument | None:
    return (
        SignedDocument.objects.select_related("cycle")
        .defer("pdf", "certificate_der")
        .filter(token=token)
        .first()
    )


def _verify_page(request: HttpRequest, context: dict, status: int = 200) -> HttpResponse:
    response = render(request, "documents/verify.html", context, status=status)
    response["X-Robots-Tag"] = "noindex"
    response["Cache-Control"] = "no-store"
    return response


def _not_registered(request: HttpRequest) -> HttpResponse:
    response = render(request, "documents/not_registered.html", status=404)
    response["X-Robots-Tag"] = "noindex"
    return response


def _rate_limited(request: HttpRequest) -> bool:
    """Whether this address asked too often (counted in the cache, per address and method)."""
    from django_ratelimit.core import is_ratelimited

    from workflow.lockout import client_address

    post = request.method == "POST"
    return is_ratelimited(
        request,
        group="documents.verify.upload" if post else "documents.verify.page",
        # The same reading of the client's address as the login lockout (behind proxies too).
        key=lambda _group, req: client_address(req) or "",
        rate=settings.VERIFY_RATE_UPLOAD if post else settings.VERIFY_RATE_PAGE,
        increment=True,
    )


@csrf_exempt  # checked below by _verify_checked, after the size check: CSRF reads the body
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest, token: str) -> HttpResponse:
    """Public: what the QR code opens; compares an uploaded file with the registered bytes.

    Everything that refuses runs before the request body is read: too many requests from one
    address, an unknown token, a body larger than the registered document (or 20 MB).
    """
    if _rate_limited(request):
        response = render(request, "documents/verify_limited.html", status=429)
        response["Retry-After"] = "60"
        return response
    document = _registered_document(token)
    if document is None:
        return _not_registered(request)
    if request.method == "POST":
        limit = min(document.size, settings.VERIFY_UPLOAD_MAX_BYTES)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > limit + MULTIPART_OVERHEAD:
            context = {"document": document, "form": VerifyUploadForm(max_bytes=limit)}
            context["too_large"] = {"size": length, "max": limit}
            return _verify_page(request, context, status=413)
    return _verify_checked(request, document)


@csrf_protect
def _verify_checked(request: HttpRequest, document: SignedDocument) -> HttpResponse:
    limit = min(document.size, settings.VERIFY_UPLOAD_MAX_BYTES)
    result = None
    form = VerifyUploadForm(request.POST or None, request.FILES or None, max_bytes=limit)
    if request.method == "POST" and form.is_valid():
        result = services.verify_upload(document=document, data=form.cleaned_data["file"])
    return _verify_page(request, {"document": document, "form": form, "result": result})
