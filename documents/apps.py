from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    """Files of the procedure: artefacts, the measurement table, PDFs, signatures, the archive."""

    name = "documents"
    verbose_name = _("Dokumen")

    def ready(self) -> None:
        from django.core.signals import request_finished

        from workflow import audit, step_parts
        from workflow.signals import transition_executing

        from . import forms, integrity, receivers

        transition_executing.connect(
            receivers.on_transition_executing, dispatch_uid="documents.transition_executing"
        )
        request_finished.connect(
            receivers.on_request_finished, dispatch_uid="documents.discard_uncommitted_files"
        )
        for part in forms.step_parts():
            step_parts.register(part)
        audit.register_file_source(integrity.stored_files)
