"""The roles of the inspectorate (Django groups) and the lanes of the SOP table."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """A Django group; the value is the group's name, made by a data migration."""

    INSPEKTUR = "Inspektur", _("Inspektur")
    SEKRETARIS = "Sekretaris", _("Sekretaris")
    IRBAN = "Irban", _("Inspektur Pembantu (Irban)")
    TIM_PENYUSUN = "Tim Penyusun SAKIP/LAKIP", _("Tim Penyusun SAKIP/LAKIP")
    STAF = "Staf", _("Staf")


class Lane(models.TextChoices):
    """An executor column of the SOP table: who may act on a step of that lane."""

    INSPEKTUR = "inspektur", _("Inspektur")
    SEKRETARIS = "sekretaris", _("Sekretaris")
    IRBAN = "irban", _("Irban I/II/III/IV")
    # Step 5: the Sekretaris and each Irban report for their own unit.
    UNIT_HEAD = "unit_head", _("Sekretaris dan Irban (masing-masing unit)")
    TIM_PENYUSUN = "tim_penyusun", _("Tim Penyusun SAKIP/LAKIP")
    STAF = "staf", _("Staf")


# Lanes held by one role; the team lane and the unit-head lane are scoped per cycle instead.
ROLE_OF_LANE = {
    Lane.INSPEKTUR: Role.INSPEKTUR,
    Lane.SEKRETARIS: Role.SEKRETARIS,
    Lane.IRBAN: Role.IRBAN,
    Lane.STAF: Role.STAF,
}

# Roles whose holders lead a unit and report for it in step 5.
UNIT_HEAD_ROLES = (Role.SEKRETARIS, Role.IRBAN)

# The columns of the SOP table, in the order of the signed document.
LANE_COLUMNS = (Lane.INSPEKTUR, Lane.SEKRETARIS, Lane.IRBAN, Lane.TIM_PENYUSUN, Lane.STAF)
