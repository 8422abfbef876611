from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

from tests.factories import World, make_world


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    # Rate limits live in the cache; one test's failed logins must not throttle the next.
    cache.clear()


@pytest.fixture
def world(db: None) -> World:
    return make_world()


@pytest.fixture
def client() -> Client:
    return Client()
