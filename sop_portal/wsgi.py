"""WSGI entry point of SOP Portal."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sop_portal.settings")
application = get_wsgi_application()
