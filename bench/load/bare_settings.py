"""The smallest Django site: one view, no apps, no middleware, no database.

P6 serves it with the same gunicorn settings as ``springboard serve`` to measure what the
machine gives a Django request that does nothing; the app's rate is reported as a fraction of it.
"""

from __future__ import annotations

import os

DEBUG = False
SECRET_KEY = os.environ.get("SECRET_KEY") or "bare-benchmark-site-only-" + "b" * 40
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "bench.load.bare_urls"
INSTALLED_APPS: list[str] = []
MIDDLEWARE: list[str] = []
DATABASES: dict[str, dict[str, str]] = {}
USE_I18N = False
USE_TZ = True
