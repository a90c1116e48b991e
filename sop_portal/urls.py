"""URLs of SOP Portal."""

from django.contrib import admin
from django.urls import include, path

from workflow.urls import auth_urlpatterns

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    *auth_urlpatterns,
    path("", include("documents.urls")),
    path("", include("workflow.urls")),
]
