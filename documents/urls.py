"""URLs of the documents app (included at the root)."""

from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("artefacts/<int:pk>/download/", views.artefact_download, name="artefact_download"),
    path("artefacts/<int:pk>/delete/", views.artefact_delete, name="artefact_delete"),
    path("cycles/<int:cycle_id>/artefacts/upload/", views.artefact_upload, name="artefact_upload"),
    path("cycles/<int:cycle_id>/measurements/", views.measurements, name="measurements"),
    path(
        "cycles/<int:cycle_id>/measurements/draft.pdf",
        views.measurement_draft,
        name="measurement_draft",
    ),
    path("cycles/<int:cycle_id>/monitoring.pdf", views.monitoring_report, name="monitoring_report"),
    path("documents/<int:pk>/download/", views.signed_download, name="signed_download"),
    path("sop/<slug:code>/print.pdf", views.sop_pdf, name="sop_pdf"),
    path("verify/<str:token>/", views.verify, name="verify"),
]
