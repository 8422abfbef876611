"""WSGI entry of the bare site (``bench.load.bare_settings``)."""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ["DJANGO_SETTINGS_MODULE"] = "bench.load.bare_settings"
application = get_wsgi_application()
