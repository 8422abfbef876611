from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def shell(request: HttpRequest) -> dict[str, Any]:
    """What the page shell needs: the demo banner and the current agency and membership.

    The navigation comes from `springboard.home.context_processors.navigation`.
    """
    return {
        "demo_mode": settings.DEMO_MODE,
        "current_agency": getattr(request, "agency", None),
        "current_membership": getattr(request, "membership", None),
    }
