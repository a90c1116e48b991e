"""Login lockout (django-axes): the page a locked-out person sees, and unlocking by the Inspektur.

Axes counts failed logins per user name and per address (settings.AXES_LOCKOUT_PARAMETERS) and
refuses even the right password while either is locked. The Inspektur and administrators see
what is locked and lift it here, with axes' own reset utility.
"""

from __future__ import annotations

import ipaddress
import logging
from dataclasses import dataclass
from datetime import datetime

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Max, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from .models import User
from .roles import Role

log = logging.getLogger("workflow.lockout")


@dataclass(frozen=True)
class Lock:
    """A user name or an address that has reached the failure limit."""

    kind: str  # "username" or "ip_address"
    value: str
    failures: int
    last_attempt: datetime


def client_address(request: HttpRequest) -> str | None:
    """The address a request came from (settings.AXES_CLIENT_IP_CALLABLE).

    Each of the TRUSTED_PROXY_COUNT proxies in front of the portal appends the address it saw to
    X-Forwarded-For, so the client is that many entries from the right; anything further left
    was written by the client and is not believed.
    """
    remote = request.META.get("REMOTE_ADDR")
    count = settings.TRUSTED_PROXY_COUNT
    if not count:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    hops = [hop for hop in hops if hop]
    if len(hops) < count:
        return remote
    try:
        return str(ipaddress.ip_address(hops[-count]))
    except ValueError:
        return remote


def lockout_response(request: HttpRequest, response=None, credentials=None) -> HttpResponse:
    """What a locked-out login gets (settings.AXES_LOCKOUT_CALLABLE): a page, in Indonesian."""
    cool_off = get_cool_off(request)
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": int(cool_off.total_seconds() // 60) if cool_off else None,
    }
    return render(request, "registration/locked_out.html", context, status=429)


def may_unlock(user: User) -> bool:
    """The Inspektur, and administrators who may remove axes' attempts, lift a lockout."""
    return (
        user.is_authenticated
        and user.is_active
        and (user.has_role(Role.INSPEKTUR) or user.has_perm("axes.delete_accessattempt"))
    )


def locks(at: datetime | None = None) -> list[Lock]:
    """The user names and addresses locked now (their failures within the cool-off period)."""
    attempts = AccessAttempt.objects.all()
    cool_off = get_cool_off()
    if cool_off:
        attempts = attempts.filter(attempt_time__gte=(at or timezone.now()) - cool_off)
    found = []
    for kind in ("username", "ip_address"):
        rows = (
            attempts.exclude(**{f"{kind}__isnull": True})
            .values(kind)
            .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
            .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
            .order_by("-last")
        )
        found += [Lock(kind, row[kind], row["failures"], row["last"]) for row in rows]
    return found


def unlock(*, actor: User, username: str = "", ip_address: str = "") -> int:
    """Lift the lock of a user name or an address; returns how many attempts were removed."""
    if not may_unlock(actor):
        raise PermissionDenied
    if bool(username) == bool(ip_address):
        raise ValidationError(_("Pilih satu nama pengguna atau satu alamat untuk dibuka."))
    removed = reset(username=username or None, ip=ip_address or None)
    log.warning(
        "Login lock of %s lifted by %s (%d attempts removed).",
        f"user {username!r}" if username else f"address {ip_address}",
        actor.get_username(),
        removed,
    )
    return removed


@login_required
@require_GET
def lockout_list(request: HttpRequest) -> HttpResponse:
    """The locked user names and addresses, with a button to unlock each."""
    if not may_unlock(request.user):
        raise PermissionDenied
    context = {"locks": locks(), "failure_limit": settings.AXES_FAILURE_LIMIT}
    return render(request, "workflow/lockouts.html", context)


@login_required
@require_POST
def lockout_unlock(request: HttpRequest) -> HttpResponse:
    """Unlock one user name or one address."""
    if not may_unlock(request.user):
        raise PermissionDenied
    username = request.POST.get("username", "").strip()
    ip_address = request.POST.get("ip_address", "").strip()
    try:
        unlock(actor=request.user, username=username, ip_address=ip_address)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("Kunci masuk %(who)s dibuka.") % {"who": username or ip_address}
        )
    return redirect("lockouts")
