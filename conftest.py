"""Fixtures for every test in the repository (Django's or not)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _default_language() -> None:
    # Requests activate the signed-in person's language for the thread, as Django's
    # LocaleMiddleware does; a test must not inherit the previous test's language.
    from django.conf import settings

    if not settings.configured:  # the engine's tests run without Django
        return
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
