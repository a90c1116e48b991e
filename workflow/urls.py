"""URLs of the portal's pages (the sign-in pages are here too)."""

from django.contrib.auth import views as auth_views
from django.urls import path

from . import editor_views, views

app_name = "workflow"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("cycles/", views.cycle_list, name="cycles"),
    path("cycles/start/", views.cycle_start, name="cycle_start"),
    path("cycles/<int:pk>/", views.cycle_detail, name="cycle"),
    path(
        "cycles/<int:pk>/records/<int:record_id>/correct/",
        views.record_correct,
        name="record_correct",
    ),
    path("cycles/<int:pk>/<slug:transition>/", views.step_action, name="step"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("sop/", views.sop_book, name="sop_book"),
    # The editor's "new" comes before the SOP pages, whose code would take it.
    path("sop/new/", editor_views.sop_new, name="sop_new"),
    path("sop/<slug:code>/", views.sop, name="sop"),
    path("sop/<slug:code>/edit/", editor_views.sop_edit, name="sop_edit"),
    path("sop/<slug:code>/edit/preview/", editor_views.sop_preview, name="sop_preview"),
    path("sop/<slug:code>/revise/", editor_views.sop_revise, name="sop_revise"),
]

auth_urlpatterns = [
    path("healthz/", views.healthz, name="healthz"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
]
