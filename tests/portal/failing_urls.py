"""The portal's URLs plus one address that fails, to see the 500 page as the server sends it."""

from django.urls import path

from sop_portal.urls import urlpatterns as portal_urlpatterns


def fail(request):
    """Fails the way an unexpected bug does."""
    raise RuntimeError("a bug in a view")


urlpatterns = [path("fails/", fail), *portal_urlpatterns]
