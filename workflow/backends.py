"""The authentication backend of the portal: Django's, with permissions kept across requests."""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend

from .access import access_of


class CachedPermissionBackend(ModelBackend):
    """Django's ModelBackend (passwords, permissions), with a person's permissions read from
    `access_of` instead of two queries on every request."""

    def get_all_permissions(self, user_obj, obj=None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            user_obj._perm_cache = set(access_of(user_obj).permissions)
        return user_obj._perm_cache
