"""The jobs app over the API (mounted under /api/v1/)."""

from __future__ import annotations

from ninja import Router
from ninja.security import django_auth

router = Router(auth=django_auth, tags=["jobs"])
