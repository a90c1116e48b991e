"""Factories that make the people and cycles of the inspectorate for tests."""

from __future__ import annotations

import itertools

import factory
from django.contrib.auth.models import Group, Permission

from workflow.models import Golongan, SopDefinition, Unit, User
from workflow.roles import Role

_nip_sequence = itertools.count(1)


def make_nip(year: int = 1980, gender: int = 1) -> str:
    """A valid NIP: birth date, appointment month, gender digit, sequence."""
    n = next(_nip_sequence)
    return f"{year}0{1 + n % 9}1{n % 2 + 1}{year + 25}0{1 + n % 9}{gender}{n % 1000:03d}"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"pegawai{n}")
    full_name = factory.Faker("name", locale="id_ID")
    nip = factory.LazyFunction(make_nip)
    golongan = Golongan.III_C
    jabatan = "Auditor"
    password = factory.django.Password("rahasia-uji-123")

    @factory.post_generation
    def roles(self, create: bool, extracted: list[str] | None, **kwargs) -> None:
        if create and extracted:
            self.groups.add(*(Group.objects.get(name=str(role)) for role in extracted))


def may_write_sops(user: User) -> User:
    """Give `user` the permission of SOP writers (change SOP definitions); `user` again."""
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="workflow", codename="change_sopdefinition")
    )
    return user


def unit(code: str) -> Unit:
    return Unit.objects.get(code=code)


def person(username: str, role: Role | None, unit_code: str | None, **kwargs) -> User:
    return UserFactory(
        username=username,
        roles=[role] if role else [],
        unit=unit(unit_code) if unit_code else None,
        **kwargs,
    )


def planning_sop() -> SopDefinition:
    """The signed SOP Perencanaan Kinerja, in force (loaded by the migrations)."""
    return SopDefinition.in_force("perencanaan-kinerja")
