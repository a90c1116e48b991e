"""The pages of the portal: each parses the request, calls one service or selector, renders."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_fsm import has_transition_perm

from sop_portal.rendered import rendered_rows

from . import extensions, lanes, selectors, services, tasks
from .forms import StartCycleForm, step_form_class
from .models import REPORT, Cycle, QueuedTransition, StepRecord, parse_action
from .templatetags.portal import long_datetime


@require_GET
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """For load balancers: answers without touching the database or the session."""
    return HttpResponse("ok", content_type="text/plain")


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    """Tugas Saya: the steps waiting for me."""
    context = selectors.inbox(request.user, request.GET.get("page"))
    context["item_html"] = rendered_rows(
        "workflow/_inbox_item.html",
        context["items"],
        selectors.inbox_item_shown,
        prepare=selectors.with_returns,
    )
    context["may_start"] = services.may_start_cycle(request.user)
    return render(request, "workflow/inbox.html", context)


@login_required
@require_GET
def cycle_list(request: HttpRequest) -> HttpResponse:
    """All cycles I may see, filtered and paginated; htmx asks for the table only."""
    context = selectors.cycle_list(request.user, request.GET, request.GET.get("page"))
    context["row_html"] = rendered_rows(
        "workflow/_cycle_row.html", context["rows"], selectors.cycle_row_shown
    )
    if services.may_start_cycle(request.user):
        context["start_form"] = StartCycleForm()
    template = "workflow/_cycle_table.html" if request.htmx else "workflow/cycle_list.html"
    return render(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
def cycle_start(request: HttpRequest) -> HttpResponse:
    """The Inspektur starts a new cycle (step 1 then waits for the Inspektur)."""
    if not services.may_start_cycle(request.user):
        raise PermissionDenied
    form = StartCycleForm(request.POST or None, initial_sop=request.GET.get("sop"))
    if request.method == "POST" and form.is_valid():
        try:
            cycle = services.start_cycle(
                sop=form.cleaned_data["sop"],
                title=form.cleaned_data["title"],
                year=form.cleaned_data["year"],
                actor=request.user,
            )
        except ValidationError as error:
            _attach_errors(form, error, [])
        else:
            messages.success(request, _('Siklus "%(t)s" dimulai.') % {"t": cycle.title})
            return redirect("workflow:cycle", pk=cycle.pk)
    return render(request, "workflow/cycle_start.html", {"form": form})


def _visible_cycle(request: HttpRequest, pk: int, *related: str) -> Cycle:
    """The cycle `pk` with its SOP (its steps come from the SOP's definition) and `related`."""
    cycle = get_object_or_404(Cycle.objects.select_related("sop", *related), pk=pk)
    if not selectors.can_view_cycle(request.user, cycle):
        raise PermissionDenied
    return cycle


@login_required
@require_GET
def cycle_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The cycle: progress, flowchart, timeline, unit reports, documents and my actions."""
    # The documents panel shows the archive record (none before the last step): read with it.
    cycle = _visible_cycle(request, pk, "archive_record__archived_by")
    context = selectors.cycle_page(cycle, request.user)
    records = context["records"]
    html = rendered_rows("workflow/_record.html", records, selectors.record_shown)
    context["record_entries"] = list(zip(records, html, strict=True))
    context["sections"] = extensions.cycle_sections()
    context["queued"] = tasks.notice_for(cycle, request.user)
    return render(request, "workflow/cycle_detail.html", context)


def _attach_errors(form, error: ValidationError, parts: list) -> None:
    """Put the service's errors next to the field they are about (step form or a part)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    by_key = {part.key: part_form for part, part_form in parts}
    for key, errors in error.message_dict.items():
        head, _dot, field = key.partition(".")
        if key in form.fields:
            form.add_error(key, errors)
        elif head in by_key:
            part_form = by_key[head]
            part_form.add_error(field if field in part_form.fields else None, errors)
        else:
            form.add_error(None, errors)


@login_required
@require_http_methods(["GET", "POST"])
def step_action(request: HttpRequest, pk: int, transition: str) -> HttpResponse:
    """The form of one transition of a step: GET shows it, POST runs it through the service."""
    parsed = parse_action(transition)
    if parsed is None:
        raise Http404
    kind = parsed[0]
    cycle = _visible_cycle(request, pk)
    if cycle.is_automatic(transition):
        raise Http404  # a per-unit step completes with its last report, never by a form
    method = cycle.fsm_method(transition)
    applies = cycle.action_applies(transition)
    if applies and kind == REPORT:
        # A unit reports once: a second try is told who reported, not given a bare 403.
        already = _already_reported(request, cycle)
        if already is not None:
            return already
    if applies:
        if not has_transition_perm(method, request.user):
            raise PermissionDenied
    elif request.method == "GET":
        messages.info(request, _("Tindakan ini tidak menunggu lagi pada siklus ini."))
        return redirect("workflow:cycle", pk=cycle.pk)
    else:
        # The cycle moved on since the form was shown: the service says who did it.
        try:
            services.execute_transition(
                cycle_id=cycle.pk,
                transition_name=transition,
                actor=request.user,
                expected_state=request.POST.get("expected_state"),
            )
        except ValidationError as error:
            messages.warning(request, " ".join(error.messages))
        return redirect("workflow:cycle", pk=cycle.pk)

    form_class = step_form_class(cycle, transition)
    kwargs = {"cycle": cycle, "transition_name": transition, "user": request.user}
    data, files = (request.POST, request.FILES) if request.method == "POST" else (None, None)
    form = form_class(data, **kwargs)
    parts = [
        (part, part.form_class(data, files, prefix=part.key, **kwargs))
        for part in extensions.form_parts(cycle, cycle.current_step, kind)
    ]
    action = selectors.action_for(
        transition, cycle.current_step, request.user.unit if kind == REPORT else None
    )
    context_label = action.label
    if request.method == "POST" and all(
        [form.is_valid(), *(part_form.is_valid() for _p, part_form in parts)]
    ):
        try:
            # With a task queue the signing step's approval goes to the worker (workflow.tasks).
            outcome = tasks.submit_transition(
                cycle_id=cycle.pk,
                transition_name=transition,
                actor=request.user,
                inputs={part.key: part_form.cleaned_data for part, part_form in parts},
                language=request.LANGUAGE_CODE,
                **form.service_kwargs(),
            )
        except services.AlreadyDone as error:
            messages.warning(request, " ".join(error.messages))
            return redirect("workflow:cycle", pk=cycle.pk)
        except PermissionDenied:
            # Another person of the same unit may have reported while this form was open.
            already = _already_reported(request, cycle) if kind == REPORT else None
            if already is None:
                raise
            return already
        except ValidationError as error:
            _attach_errors(form, error, parts)
        else:
            if isinstance(outcome, QueuedTransition):
                messages.info(
                    request,
                    _("Persetujuan sedang diproses: %(action)s.") % {"action": context_label},
                )
            else:
                messages.success(request, _("Tersimpan: %(action)s.") % {"action": context_label})
            return redirect("workflow:cycle", pk=cycle.pk)
    context = {
        "cycle": cycle,
        "step": cycle.current_step,
        "action": action,
        "form": form,
        "parts": parts,
        "late": cycle.is_late(),
        **selectors.pending_step_context(cycle),
    }
    return render(request, "workflow/step_form.html", context)


def _already_reported(request: HttpRequest, cycle: Cycle) -> HttpResponse | None:
    """If the user reports for a unit that has reported at a per-unit step, say who did it and
    when, and go back to the cycle (anyone who heads no unit still gets a 403)."""
    step = cycle.current_step
    if step is None or not step.is_per_unit or not lanes.UnitHeadPolicy.is_unit_head(request.user):
        return None
    report = selectors.unit_report_of(cycle, request.user)
    if report is None:
        return None
    messages.warning(
        request,
        _(
            "Laporan unit %(unit)s sudah disampaikan oleh %(name)s pada %(when)s. "
            "Setiap unit melapor satu kali pada langkah %(n)s."
        )
        % {
            "n": step.number,
            "unit": report.unit,
            "name": report.reported_by,
            "when": long_datetime(report.reported_at),
        },
    )
    return redirect("workflow:cycle", pk=cycle.pk)


@login_required
@require_POST
def record_correct(request: HttpRequest, pk: int, record_id: int) -> HttpResponse:
    """Add a correction of one record of the cycle's timeline (the record itself stays)."""
    cycle = _visible_cycle(request, pk)
    record = get_object_or_404(StepRecord, pk=record_id, cycle=cycle)
    if not record.may_be_corrected_by(request.user):
        raise PermissionDenied
    try:
        services.correct_record(
            record_id=record.pk, actor=request.user, text=request.POST.get("text", "")
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Koreksi atas catatan #%(n)d disimpan.") % {"n": record.seq})
    return redirect(reverse("workflow:cycle", args=[cycle.pk]) + f"#record-{record.seq}")


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """The Inspektur's and the Sekretaris's overview of every SOP, and of one of them."""
    if not selectors.may_see_dashboard(request.user):
        raise PermissionDenied
    sops = selectors.sop_choices()
    sop = selectors.sop_in_force(sops, request.GET.get("sop"))
    if sop is None:
        raise Http404
    context = selectors.dashboard(request.user, sop, sops)
    return render(request, "workflow/dashboard.html", context)


@login_required
@require_GET
def sop_book(request: HttpRequest) -> HttpResponse:
    """The office's SOP book: every SOP in force, with its revision and its cycles."""
    if not selectors.may_see_cycles(request.user):
        raise PermissionDenied
    return render(request, "workflow/sop_book.html", {"sops": selectors.sop_book()})


@login_required
@require_GET
def sop(request: HttpRequest, code: str) -> HttpResponse:
    """One SOP document as signed: header table and procedure table with the flowchart (the
    revision in force, or an earlier one that cycles still follow with ?revision=N)."""
    if not selectors.may_see_cycles(request.user):
        raise PermissionDenied
    sop = selectors.sop_revision_for(request.user, code, request.GET.get("revision"))
    if sop is None:
        raise Http404
    context = {"doc": selectors.sop_document(sop), "links": extensions.sop_links(sop)}
    return render(request, "workflow/sop.html", context)
