"""A person's roles and permissions are kept across requests, and every change to them is seen."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import person
from workflow.models import User
from workflow.roles import Role

pytestmark = pytest.mark.django_db


def fresh(user: User) -> User:
    """The person as the next request loads them (from the session's user id)."""
    return User.objects.get(pk=user.pk)


def group(role: Role) -> Group:
    return Group.objects.get(name=role)


def unlock_permission() -> Permission:
    return Permission.objects.get(content_type__app_label="axes", codename="delete_accessattempt")


def test_roles_are_read_once_and_then_kept():
    staf = person("staf1", Role.STAF, "sekretariat")
    assert fresh(staf).role_names == {str(Role.STAF)}
    with CaptureQueriesContext(connection) as queries:
        assert fresh(staf).has_role(Role.STAF)
    assert len(queries) == 1  # the user row only


def test_a_person_added_to_a_group_has_the_role_on_the_next_request():
    staf = person("staf1", Role.STAF, "sekretariat")
    assert not fresh(staf).has_role(Role.TIM_PENYUSUN)
    staf.groups.add(group(Role.TIM_PENYUSUN))
    assert fresh(staf).has_role(Role.TIM_PENYUSUN)


def test_a_group_that_adds_a_member_gives_them_the_role():
    staf = person("staf1", Role.STAF, "sekretariat")
    assert not fresh(staf).has_role(Role.INSPEKTUR)
    group(Role.INSPEKTUR).user_set.add(staf)
    assert fresh(staf).has_role(Role.INSPEKTUR)


def test_a_person_removed_from_a_group_loses_the_role():
    irban = person("irban1", Role.IRBAN, "irban-1")
    assert fresh(irban).has_role(Role.IRBAN)
    group(Role.IRBAN).user_set.remove(irban)
    assert not fresh(irban).has_role(Role.IRBAN)


def test_a_cleared_group_takes_the_role_from_every_member():
    first, second = person("irban1", Role.IRBAN, "irban-1"), person("irban2", Role.IRBAN, "irban-2")
    assert fresh(first).has_role(Role.IRBAN) and fresh(second).has_role(Role.IRBAN)
    group(Role.IRBAN).user_set.clear()
    assert not fresh(first).has_role(Role.IRBAN)
    assert not fresh(second).has_role(Role.IRBAN)


def test_a_renamed_group_renames_the_role_of_its_members():
    staf = person("staf1", Role.STAF, "sekretariat")
    assert fresh(staf).role_names == {str(Role.STAF)}
    staf_group = group(Role.STAF)
    staf_group.name = "Staf lama"
    staf_group.save()
    assert fresh(staf).role_names == {"Staf lama"}


def test_a_permission_given_to_a_group_reaches_its_members():
    staf = person("staf1", Role.STAF, "sekretariat")
    assert not fresh(staf).has_perm("axes.delete_accessattempt")
    group(Role.STAF).permissions.add(unlock_permission())
    assert fresh(staf).has_perm("axes.delete_accessattempt")
    unlock_permission().group_set.remove(group(Role.STAF))
    assert not fresh(staf).has_perm("axes.delete_accessattempt")


def test_a_permission_given_to_a_person_reaches_them():
    staf = person("staf1", Role.STAF, "sekretariat")
    assert not fresh(staf).has_perm("axes.delete_accessattempt")
    staf.user_permissions.add(unlock_permission())
    assert fresh(staf).has_perm("axes.delete_accessattempt")
    unlock_permission().user_set.clear()
    assert not fresh(staf).has_perm("axes.delete_accessattempt")


def test_a_copy_loaded_before_a_change_does_not_bring_the_old_access_back():
    irban = person("irban1", Role.IRBAN, "irban-1")
    stale = fresh(irban)
    assert stale.has_role(Role.IRBAN)
    irban.groups.remove(group(Role.IRBAN))
    stale.jabatan = "Auditor"
    stale.save()  # the admin saving a form opened before the change
    assert not fresh(irban).has_role(Role.IRBAN)
    assert fresh(irban).jabatan == "Auditor"


def test_a_page_asks_the_database_for_no_group_or_permission_once_kept(client):
    staf = person("staf1", Role.STAF, "sekretariat")
    client.force_login(staf)
    client.get(reverse("workflow:inbox"))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("workflow:inbox")).status_code == 200
    tables = " ".join(q["sql"] for q in queries)
    assert "auth_group" not in tables and "auth_permission" not in tables
