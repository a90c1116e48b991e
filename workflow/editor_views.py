"""The SOP editor's pages, for those who may write SOPs (the SOP definition change permission).

Each page checks that right first; every change is a POST through one service of sop_editor.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from . import selectors, sop_editor
from .editor_forms import LANES, STEPS, DraftForms, NewSopForm
from .models import SopDefinition
from .sop_format import SopFormatError

# The buttons of the edit page (name="action").
SAVE, PUBLISH, PREVIEW = "save", "publish", "preview"
ADD_ROW = {"add_lane": LANES, "add_step": STEPS}


def _require_editor(request: HttpRequest) -> None:
    if not selectors.may_edit_sops(request.user):
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
def sop_new(request: HttpRequest) -> HttpResponse:
    """Start a new SOP: its code and header make an empty draft, revision 1."""
    _require_editor(request)
    form = NewSopForm(request.POST or None, initial=sop_editor.new_sop_initial())
    if request.method == "POST" and form.is_valid():
        header = {name: form.cleaned_data[name] for name in sop_editor.HEADER_FIELDS}
        try:
            draft = sop_editor.start_sop(
                code=form.cleaned_data["code"], header=header, actor=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Konsep SOP %(name)s dibuat. Tambahkan kolom pelaksana dan langkahnya.")
                % {"name": draft.name},
            )
            return redirect("workflow:sop_edit", code=draft.code)
    return render(
        request, "workflow/editor/new.html", {"form": form, "drafts": sop_editor.drafts()}
    )


@login_required
@require_POST
def sop_revise(request: HttpRequest, code: str) -> HttpResponse:
    """ "Buat revisi baru": copy the revision in force into a new draft revision."""
    _require_editor(request)
    try:
        draft = sop_editor.start_revision(code=code, actor=request.user)
    except SopDefinition.DoesNotExist:
        raise Http404 from None
    messages.success(
        request,
        _("Konsep revisi %(revision)s dibuat dari revisi yang berlaku.")
        % {"revision": draft.revision},
    )
    return redirect("workflow:sop_edit", code=code)


@login_required
@require_http_methods(["GET", "POST"])
def sop_edit(request: HttpRequest, code: str) -> HttpResponse:
    """The draft of an SOP: header, lanes, steps and the flowchart drawn from them; without a
    draft, the button that makes one."""
    _require_editor(request)
    draft = sop_editor.draft_of(code)
    if draft is None:
        source = sop_editor.revision_to_copy(code)
        if source is None:
            raise Http404
        if request.method == "POST":
            messages.warning(
                request,
                _("Konsep ini sudah diterbitkan atau tidak ada lagi. Perubahan belum disimpan."),
            )
        return render(request, "workflow/editor/start.html", {"sop": source})
    if request.method == "GET":
        return _edit_page(request, DraftForms(draft), sop_editor.draft_problems(draft))

    action = request.POST.get("action", SAVE)
    forms = DraftForms(draft, request.POST, add=ADD_ROW.get(action))
    if action in ADD_ROW or action == PREVIEW:
        # Nothing is saved: the page comes back with what was typed (and one blank row more).
        if forms.full:
            messages.warning(request, _("Jumlah baris sudah paling banyak."))
        return _edit_page(request, forms, [])
    if not forms.is_valid():
        messages.error(request, _("Konsep belum disimpan: perbaiki isian yang ditandai."))
        return _edit_page(request, forms, [])
    service = sop_editor.publish_draft if action == PUBLISH else sop_editor.save_draft
    # The revision the page was opened on: a draft made since by someone else is not overwritten.
    posted = request.POST.get("revision", "")
    readable = posted.isascii() and posted.isdigit() and len(posted) <= 5
    revision = int(posted) if readable else draft.revision
    try:
        sop = service(code=code, revision=revision, actor=request.user, **forms.service_kwargs())
    except SopFormatError as error:
        messages.error(request, _("Belum diterbitkan: perbaiki isian yang ditandai."))
        return _edit_page(request, forms, forms.attach(error.errors))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _edit_page(request, forms, [])
    if action == PUBLISH:
        messages.success(
            request,
            _(
                "Revisi %(revision)s diterbitkan dan berlaku. Siklus yang sudah berjalan tetap "
                "memakai revisinya."
            )
            % {"revision": sop.revision},
        )
        return redirect("workflow:sop", code=code)
    messages.success(request, _("Konsep tersimpan."))
    return redirect("workflow:sop_edit", code=code)


def _edit_page(request: HttpRequest, forms: DraftForms, problems: list[str]) -> HttpResponse:
    lanes, steps = forms.chart()
    context = {
        "draft": forms.draft,
        "in_force": SopDefinition.objects.published().filter(code=forms.draft.code).first(),
        "forms": forms,
        "problems": problems,
        "chart_lanes": lanes,
        "chart_steps": steps,
        # The page's error summary reads (part, form) pairs: the header, lanes and steps.
        "parts": [("header", forms.header), (LANES, forms.lanes), (STEPS, forms.steps)]
        if forms.is_bound
        else [],
    }
    return render(request, "workflow/editor/edit.html", context)


@login_required
@require_POST
def sop_preview(request: HttpRequest, code: str) -> HttpResponse:
    """The flowchart drawn from the posted, unsaved forms (htmx swaps it into the page)."""
    _require_editor(request)
    draft = sop_editor.draft_of(code)
    if draft is None:
        raise Http404
    lanes, steps = DraftForms(draft, request.POST).chart()
    return render(
        request,
        "workflow/editor/_preview.html",
        {"draft": draft, "chart_lanes": lanes, "chart_steps": steps},
    )
