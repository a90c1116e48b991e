"""How long free text may be: one place for every limit, its message and its check.

A few thousand characters hold any comment, reason or report an office writes; a bound keeps a
pasted megabyte out of the record, the pages and the PDFs. Forms, services and database
constraints all read these numbers.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils.translation import gettext_lazy as _

# Written at a step: the optional note, the reason of a return or a cancellation, a correction.
COMMENT_MAX = 4_000
REASON_MAX = 4_000
CORRECTION_MAX = 4_000
# Step 5: one unit's report of its planning data.
REPORT_MAX = 8_000
# Step 9: the other recipients of the distribution, one per line, and each of them.
RECIPIENTS_MAX = 4_000
RECIPIENT_MAX = 200
# The SOP definition, edited in the admin: a header field (Dasar Hukum holds eight regulations)
# and a step's requirement or output.
SOP_TEXT_MAX = 4_000
SOP_STEP_TEXT_MAX = 1_000
# The name of a file a step expects (SopStep.artefacts); it becomes Artefact.label.
ARTEFACT_LABEL_MAX = 200
# A text cell of the measurement table (the columns are CharFields of these lengths).
MEASUREMENT_TEXT_MAX = 300
MEASUREMENT_UNIT_MAX = 50

TOO_LONG = _(
    "Teks terlalu panjang: paling banyak %(limit_value)s karakter, sekarang %(show_value)s "
    "karakter."
)


# A database constraint knows no lengths to quote; forms and services catch a long text first.
TOO_LONG_TO_STORE = _("Teks terlalu panjang untuk disimpan.")


def too_long_errors() -> dict[str, str]:
    """The `error_messages` of a form field with max_length: the portal's own message."""
    return {"max_length": TOO_LONG}


def check_length(field: str, value: str, limit: int) -> None:
    """Raise ValidationError on `field` with the portal's message when `value` is too long."""
    if len(value) > limit:
        params = {"limit_value": limit, "show_value": len(value)}
        raise ValidationError({field: ValidationError(TOO_LONG, code="max_length", params=params)})


def length_constraint(field: str, limit: int, name: str) -> models.CheckConstraint:
    """A database constraint: `field` holds at most `limit` characters."""
    return models.CheckConstraint(
        condition=LessThanOrEqual(Length(field), limit),
        name=name,
        violation_error_message=TOO_LONG_TO_STORE,
    )
