from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowConfig(AppConfig):
    """The procedure: its people, its definition, its cycles, its clock and its records."""

    name = "workflow"
    verbose_name = _("Alur kerja SOP")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_delete, post_save

        from . import notifications, sessions, signals
        from .models import LocalDayOff, SopStep

        signals.transition_executed.connect(
            notifications.on_transition_executed, dispatch_uid="workflow.notify_pending_step"
        )
        # A day off entered late, or a time standard edited, moves what is due now.
        for sender in (LocalDayOff, SopStep):
            for signal in (post_save, post_delete):
                signal.connect(
                    signals.calendar_changed, sender=sender, dispatch_uid=f"workflow.due.{sender}"
                )
        user_logged_in.connect(sessions.mark_renewed, dispatch_uid="workflow.session_renewed")
