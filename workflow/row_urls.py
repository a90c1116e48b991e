"""The links of a list's rows, reversed once per page instead of once per row.

`reverse()` walks the URL resolver each time; a list page of twenty rows with a few links each
called it dozens of times per request. Each function here reverses once with placeholder
arguments and fills in each row's values by string replacement.
"""

from __future__ import annotations

from collections.abc import Callable

from django.urls import reverse

# Placeholders that no real argument looks like: a number no row has, a slug no action has.
_PK = 987654321987
_SLUG = "x-row-slug-x"


def cycle_url() -> Callable[[int], str]:
    """A function of a cycle's pk to its page's URL."""
    pattern = reverse("workflow:cycle", args=[_PK])
    return lambda pk: pattern.replace(str(_PK), str(int(pk)))


def step_url() -> Callable[[int, str], str]:
    """A function of a cycle's pk and an action name to that step form's URL."""
    pattern = reverse("workflow:step", args=[_PK, _SLUG])
    return lambda pk, action: pattern.replace(str(_PK), str(int(pk))).replace(_SLUG, action)
