from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    """Files of the procedure: artefacts, the measurement table, PDFs, signatures, the archive."""

    name = "documents"
    verbose_name = _("Dokumen")

    def ready(self) -> None:
        from django.core.signals import request_finished

        from workflow import audit

        from . import forms, integrity, receivers

        forms.register_extensions()
        request_finished.connect(
            receivers.on_request_finished, dispatch_uid="documents.discard_uncommitted_files"
        )
        audit.register_file_source(integrity.stored_files)
