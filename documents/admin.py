"""Admin of the documents app: read only, since every change goes through documents.services."""

from __future__ import annotations

from django.contrib import admin

from workflow.admin import ReadOnlyAdmin

from .models import ArchiveRecord, Artefact, Distribution, MeasurementRow, SignedDocument


@admin.register(Artefact)
class ArtefactAdmin(ReadOnlyAdmin):
    list_display = [
        "cycle",
        "step_number",
        "label",
        "original_name",
        "size",
        "uploaded_by",
        "uploaded_at",
        "sealed_at",
    ]
    list_filter = ["kind", "step_number"]
    list_select_related = ["cycle", "uploaded_by"]
    search_fields = ["original_name", "label", "sha256"]
    exclude = ["file"]


@admin.register(MeasurementRow)
class MeasurementRowAdmin(ReadOnlyAdmin):
    list_display = ["cycle", "order", "sasaran", "indikator", "target", "realisasi", "capaian"]
    list_select_related = ["cycle"]
    search_fields = ["sasaran", "indikator"]


@admin.register(SignedDocument)
class SignedDocumentAdmin(ReadOnlyAdmin):
    list_display = ["title", "cycle", "signer_name", "signed_at", "certificate_issuer"]
    list_select_related = ["cycle"]
    search_fields = ["sha256", "title"]
    exclude = ["pdf", "certificate_der", "token"]


@admin.register(Distribution)
class DistributionAdmin(ReadOnlyAdmin):
    list_display = ["cycle", "recipient", "copies", "recorded_at"]
    list_select_related = ["cycle"]


@admin.register(ArchiveRecord)
class ArchiveRecordAdmin(ReadOnlyAdmin):
    list_display = ["cycle", "classification_code", "location", "disposition", "archived_at"]
    list_select_related = ["cycle"]
