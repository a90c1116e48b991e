"""What a person may do (their roles and Django permissions), read once and kept while it holds.

Every page asks for the signed-in person's roles (the inbox, the menu, who sees the dashboard) and
some of their permissions (who may lift a lockout, who writes SOPs): three queries on each request
for an answer that changes when an administrator edits a person or a group. The answer is kept in
the cache under the person's `access_token`, a random value that changes whenever their groups,
their own permissions or the permissions of one of their groups change (the signal handlers below,
which see the admin, `add`/`remove`/`clear`/`set` from either side and a group renamed or
deleted). The token comes with the user row that the session loads anyway, so checking it costs no
query, and a changed token reads the answer again, in every process and on every server.

The token is written only by `renew_tokens` (a single UPDATE): `User.save()` leaves it alone, so a
copy of a person loaded before the change cannot write the old token back.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.core.cache import cache

# Long enough to matter, short enough that a change made outside the ORM (raw SQL on the
# membership tables) is seen within the hour.
TIMEOUT_SECONDS = 3600


@dataclass(frozen=True)
class Access:
    """A person's group names and their Django permissions ("app_label.codename")."""

    roles: frozenset[str]
    permissions: frozenset[str]


def _key(user) -> str:
    return f"access:{user.pk}:{user.access_token}"


def access_of(user) -> Access:
    """The roles and permissions of `user` (an active, saved person): from the cache while their
    token holds, else read (three queries) and kept. Kept on the instance for the request."""
    cached = getattr(user, "_access", None)
    if cached is not None:
        return cached
    access = cache.get(_key(user))
    if access is None:
        from django.contrib.auth.backends import ModelBackend

        access = Access(
            roles=frozenset(user.groups.values_list("name", flat=True)),
            permissions=frozenset(ModelBackend().get_all_permissions(user)),
        )
        cache.set(_key(user), access, TIMEOUT_SECONDS)
    user._access = access
    return access


def renew_tokens(user_ids: Iterable[int]) -> str:
    """Give these people a new token (their kept access is read again on their next request);
    the new token. One value serves them all: the key names each person's pk as well."""
    from .models import User, new_access_token

    token = new_access_token()
    ids = [pk for pk in user_ids if pk is not None]
    if ids:
        User.objects.filter(pk__in=ids).update(access_token=token)
    return token


# --- what changes a person's access ------------------------------------------------------------
def _members_of(group_ids: Iterable[int]) -> list[int]:
    from .models import User

    return list(User.objects.filter(groups__in=list(group_ids)).values_list("pk", flat=True))


def user_groups_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    """A person's groups (or permissions) changed, from either side of the relation."""
    if action == "pre_clear" and reverse:
        # group.user_set.clear(): after it, nothing names who was in the group.
        other = f"{instance._meta.model_name}_id"
        instance._access_cleared = list(
            sender.objects.filter(**{other: instance.pk}).values_list("user_id", flat=True)
        )
        return
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        instance.access_token = renew_tokens([instance.pk])
        for kept in ("_access", "_perm_cache", "_user_perm_cache", "_group_perm_cache"):
            instance.__dict__.pop(kept, None)
    elif action == "post_clear":
        renew_tokens(getattr(instance, "_access_cleared", []))
    else:
        renew_tokens(pk_set or [])


def group_permissions_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    """A group's permissions changed: every member's access changed with them."""
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if reverse:
        # permission.group_set.add(...): the groups are the pk_set, or all of them on clear.
        groups = pk_set if pk_set else Group.objects.values_list("pk", flat=True)
        renew_tokens(_members_of(groups))
    else:
        renew_tokens(_members_of([instance.pk]))


def group_changed(sender, instance, **kwargs) -> None:
    """A group renamed or deleted: its members' roles are its name."""
    if instance.pk is not None:
        renew_tokens(_members_of([instance.pk]))
