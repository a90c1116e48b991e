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
        self.connect_access_changes()

    @staticmethod
    def connect_access_changes() -> None:
        """Renew a person's access token whenever their groups or permissions change."""
        from django.contrib.auth.models import Group
        from django.db.models.signals import m2m_changed, post_save, pre_delete

        from . import access
        from .models import User

        for through in (User.groups.through, User.user_permissions.through):
            m2m_changed.connect(
                access.user_groups_changed, sender=through, dispatch_uid=f"access.{through}"
            )
        m2m_changed.connect(
            access.group_permissions_changed,
            sender=Group.permissions.through,
            dispatch_uid="access.group_permissions",
        )
        post_save.connect(access.group_changed, sender=Group, dispatch_uid="access.group_saved")
        pre_delete.connect(access.group_changed, sender=Group, dispatch_uid="access.group_deleted")
