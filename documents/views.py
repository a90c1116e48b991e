"""Views of the documents app: thin, each checks access first, POST for every change."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from workflow.models import Cycle, SopDefinition
from workflow.selectors import can_view_cycle

from . import selectors, services
from .forms import ArtefactUploadForm, MeasurementFormSet, VerifyUploadForm
from .models import Artefact, SignedDocument
from .pdf import render_pdf


def _visible_cycle(request: HttpRequest, cycle_id: int) -> Cycle:
    cycle = get_object_or_404(Cycle.objects.select_related("sop"), pk=cycle_id)
    if not can_view_cycle(request.user, cycle):
        raise Http404
    return cycle


def _cycle_url(cycle: Cycle) -> str:
    return reverse("workflow:cycle", args=[cycle.pk]) + "#dokumen"


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
    return _attachment(artefact.file.open("rb"), artefact.original_name, artefact.content_type)


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
    """The measurement table: a formset for the team during steps 3 to 6, else read only."""
    cycle = _visible_cycle(request, cycle_id)
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
def measurement_draft(request: HttpRequest, cycle_id: int) -> FileResponse:
    """An unsigned preview of the measurement document ("KONSEP"), never the signed one."""
    cycle = _visible_cycle(request, cycle_id)
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
    return _attachment(BytesIO(bytes(document.pdf)), document.filename, "application/pdf")


@login_required
def monitoring_report(request: HttpRequest, cycle_id: int) -> FileResponse:
    """The SOP monitoring table of one cycle as PDF, judgement columns left to the evaluator."""
    cycle = _visible_cycle(request, cycle_id)
    with translation.override("id"):  # an official document: Indonesian for everyone
        context = selectors.monitoring_report(cycle)
        context["printed_at"] = timezone.now()
        pdf = render_pdf("documents/pdf/monitoring.html", context)
    return _attachment(
        BytesIO(pdf), f"monitoring-sop-{cycle.year}-{cycle.pk}.pdf", "application/pdf"
    )


@login_required
def sop_pdf(request: HttpRequest) -> FileResponse:
    """The SOP document in SOP AP layout, printable."""
    from workflow import selectors as workflow_selectors

    if not workflow_selectors.may_see_cycles(request.user):
        raise PermissionDenied
    with translation.override("id"):  # an official document: Indonesian for everyone
        context = {"doc": workflow_selectors.sop_document(SopDefinition.current())}
        pdf = render_pdf("documents/pdf/sop.html", context)
    return _attachment(BytesIO(pdf), "sop-perencanaan-kinerja.pdf", "application/pdf")


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest, token: str) -> HttpResponse:
    """Public: what the QR code opens; checks an uploaded PDF against the signed document."""
    document = get_object_or_404(
        SignedDocument.objects.select_related("cycle").defer("pdf"), token=token
    )
    result = None
    form = VerifyUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        result = services.verify_upload(document=document, data=form.cleaned_data["file"].read())
    response = render(
        request,
        "documents/verify.html",
        {
            "document": document,
            "form": form,
            "result": result,
        },
    )
    response["X-Robots-Tag"] = "noindex"
    return response
