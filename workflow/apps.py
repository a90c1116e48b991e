from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowConfig(AppConfig):
    """The procedure: its people, its definition, its cycles, its clock and its records."""

    name = "workflow"
    verbose_name = _("Alur kerja SOP")

    def ready(self) -> None:
        from . import signals  # noqa: F401
