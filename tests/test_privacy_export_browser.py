"""In Chromium: a candidate asks for all their data, waits for it, downloads the ZIP and opens it;
the pages fit a phone and pass axe."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from springboard.profiles.models import CareerEntry, Profile
from tests.factories import make_programme, make_world
from tests.test_layout_overflow import PHONE, _axe, _log_in, _overflow

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.mark.django_db(transaction=True)
def test_candidate_downloads_all_their_data_and_opens_the_zip(live_server: Any) -> None:
    from tests import browser

    world = make_world()
    candidate = world.a.candidate
    make_programme(world.a, candidate=candidate)
    profile = Profile.objects.create(agency=world.a.agency, membership=candidate)
    CareerEntry.objects.create(
        profile=profile, employer="Nordlager A/S", title="Lagerleder", start_year=2019
    )
    with browser.chromium() as chromium:
        context = chromium.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
        page = context.new_page()
        page.set_default_timeout(20_000)
        _log_in(page, live_server.url, "candidate", world)
        page.goto(live_server.url + reverse("exports:mine", args=[world.a.agency.slug]))
        assert _overflow(page, PHONE) is None
        assert _axe(page) == []
        page.get_by_role("button", name="Prepare my data").click()
        link = page.get_by_role("link", name="Download the ZIP file")
        link.wait_for()
        assert _axe(page) == []
        with page.expect_download() as info:
            link.click()
        data = Path(info.value.path()).read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
        assert {"README.txt", "profile.json", "audit.json", "programme.json"} <= names
        readme = archive.read("README.txt").decode()
        profile_doc = json.loads(archive.read("profile.json"))
    assert "profile.json:" in readme
    careers = next(g for g in profile_doc["models"] if g["model"] == "profiles.careerentry")
    assert careers["records"][0]["employer"] == "Nordlager A/S"
