"""The errors of a page's forms, gathered once for the error summary and the page title."""

from __future__ import annotations

from dataclasses import dataclass

from django import template
from django.forms import BaseForm, BaseFormSet
from django.forms.utils import ErrorDict
from django.utils.translation import gettext as _

register = template.Library()


@dataclass(frozen=True)
class FormError:
    """One message of the summary; `anchor` is the id of the field it is about, if any."""

    message: str
    label: str = ""
    anchor: str = ""


def _form_errors(form: BaseForm, row: int | None = None) -> list[FormError]:
    errors = [FormError(str(message)) for message in form.non_field_errors()]
    for name, messages in (form.errors or ErrorDict()).items():
        if name == "__all__" or name not in form.fields:
            continue
        bound = form[name]
        label = str(bound.label or name)
        if row is not None:
            label = _("Baris %(n)s, %(label)s") % {"n": row, "label": label}
        widget_id = bound.auto_id
        errors += [FormError(str(m), label, widget_id) for m in messages]
    return errors


def form_errors(*forms: object) -> list[FormError]:
    """Every error of the given forms and formsets, in page order (None and non-forms skipped)."""
    errors: list[FormError] = []
    for form in forms:
        if isinstance(form, BaseFormSet):
            if not form.is_bound:
                continue
            errors += [FormError(str(m)) for m in form.non_form_errors()]
            for row, sub in enumerate(form.forms, start=1):
                errors += _form_errors(sub, row)
        elif isinstance(form, BaseForm) and form.is_bound:
            errors += _form_errors(form)
    return errors


@register.simple_tag(takes_context=True)
def page_form_errors(context: template.Context) -> list[FormError]:
    """The errors of the page's `form`, `formset` and step `parts` ((part, form) pairs)."""
    parts = context.get("parts") or []
    part_forms = [pair[1] for pair in parts if isinstance(pair, (list, tuple)) and len(pair) == 2]
    return form_errors(context.get("form"), context.get("formset"), *part_forms)
