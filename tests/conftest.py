"""The people of the inspectorate, as fixtures: one per role, with their units."""

from __future__ import annotations

import pytest

from tests.factories import person
from workflow.models import Golongan
from workflow.roles import Role


@pytest.fixture
def inspektur(db):
    return person(
        "inspektur",
        Role.INSPEKTUR,
        "sekretariat",
        full_name="YUNIZAR, S.E., M.P., CGCAE",
        nip="197006231998031009",
        golongan=Golongan.IV_C,
        jabatan="Inspektur",
    )


@pytest.fixture
def sekretaris(db):
    return person(
        "sekretaris", Role.SEKRETARIS, "sekretariat", jabatan="Sekretaris", golongan=Golongan.IV_B
    )


@pytest.fixture
def irbans(db):
    return [
        person(
            f"irban{n}",
            Role.IRBAN,
            f"irban-{n}",
            jabatan=f"Inspektur Pembantu Wilayah {n}",
            golongan=Golongan.IV_A,
        )
        for n in range(1, 5)
    ]


@pytest.fixture
def irban1(irbans):
    return irbans[0]


@pytest.fixture
def team(db):
    return [
        person("tim1", Role.TIM_PENYUSUN, "sekretariat", jabatan="Analis Perencanaan"),
        person("tim2", Role.TIM_PENYUSUN, "irban-2", jabatan="Auditor Muda"),
    ]


@pytest.fixture
def staf(db):
    return person(
        "staf1", Role.STAF, "sekretariat", jabatan="Pengadministrasi Umum", golongan=Golongan.III_A
    )


@pytest.fixture
def outsider(db):
    """A person with no role in the procedure."""
    return person("tamu", None, None, jabatan="Pramu Bakti")


@pytest.fixture
def people(inspektur, sekretaris, irbans, team, staf, outsider):
    """Everyone, by the name the tests use."""
    return {
        "inspektur": inspektur,
        "sekretaris": sekretaris,
        "irban1": irbans[0],
        "irban2": irbans[1],
        "irban3": irbans[2],
        "irban4": irbans[3],
        "tim1": team[0],
        "tim2": team[1],
        "staf": staf,
        "outsider": outsider,
    }


@pytest.fixture(autouse=True)
def empty_cache():
    """Every test starts with an empty cache: the local-memory cache outlives a test's
    transaction, and would hand it PDFs or counts of the tests before."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Hashing passwords properly is slow on purpose; tests need it fast."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def reference_data(transactional_db):
    """Roles, units and the SOP definition for tests that commit for real.

    A transactional test empties every table when it ends, the data migration's rows included;
    the next one puts them back with the migration's own (idempotent) code.
    """
    from importlib import import_module

    from django.apps import apps
    from django.contrib.auth.models import Group
    from django.utils import timezone

    from workflow.models import Unit
    from workflow.sop_data import create_revision, load

    first = import_module("workflow.migrations.0002_roles_units_sop")
    for name in first.ROLES:
        Group.objects.get_or_create(name=name)
    for code, name, order in first.UNITS:
        Unit.objects.get_or_create(code=code, defaults={"name": name, "order": order})
    for data_file in ("perencanaan_kinerja", "contoh_reviu_laporan"):
        create_revision(apps, load(data_file), publish=True, now=timezone.now())


@pytest.fixture(autouse=True)
def checkpoint_dir(settings, tmp_path):
    """Audit checkpoints of a test go to its own folder, never to the developer's var/."""
    settings.AUDIT_CHECKPOINT_DIR = tmp_path / "checkpoints"
    return settings.AUDIT_CHECKPOINT_DIR


@pytest.fixture(autouse=True)
def forget_files_of_rolled_back_tests():
    """A test's transaction never commits, so files it wrote stay "pending" in the thread; the
    next test's request would then look them up in the database (healthz must not)."""
    yield
    from documents import storage

    storage._pending.__dict__.pop("names", None)
