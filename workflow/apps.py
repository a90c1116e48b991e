from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowConfig(AppConfig):
    """The procedure: its people, its definition, its cycles, its clock and its records."""

    name = "workflow"
    verbose_name = _("Alur kerja SOP")

    def ready(self) -> None:
        from . import notifications, signals

        signals.transition_executed.connect(
            notifications.on_transition_executed, dispatch_uid="workflow.notify_pending_step"
        )
