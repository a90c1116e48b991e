from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    """Files of the procedure: artefacts, the measurement table, PDFs, signatures, the archive."""

    name = "documents"
    verbose_name = _("Dokumen")
