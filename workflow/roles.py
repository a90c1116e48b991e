"""The roles of the inspectorate (Django groups); the lanes of an SOP are data (SopLane)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """A Django group; the value is the group's name, made by a data migration."""

    INSPEKTUR = "Inspektur", _("Inspektur")
    SEKRETARIS = "Sekretaris", _("Sekretaris")
    IRBAN = "Irban", _("Inspektur Pembantu (Irban)")
    TIM_PENYUSUN = "Tim Penyusun SAKIP/LAKIP", _("Tim Penyusun SAKIP/LAKIP")
    STAF = "Staf", _("Staf")


# Roles whose holders lead a unit and report for it in step 5.
UNIT_HEAD_ROLES = (Role.SEKRETARIS, Role.IRBAN)
