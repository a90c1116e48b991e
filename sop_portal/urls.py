"""URLs of SOP Portal."""

from django.contrib import admin
from django.urls import include, path

from workflow import lockout
from workflow.urls import auth_urlpatterns

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    *auth_urlpatterns,
    path("accounts/lockouts/", lockout.lockout_list, name="lockouts"),
    path("accounts/lockouts/unlock/", lockout.lockout_unlock, name="lockout_unlock"),
    path("", include("documents.urls")),
    path("", include("workflow.urls")),
]
