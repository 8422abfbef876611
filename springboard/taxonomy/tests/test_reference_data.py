"""The real ESCO download (../shared/data), when present: import and extract from real CVs."""

from __future__ import annotations

from pathlib import Path

import pytest

from springboard.taxonomy import engine_cache
from springboard.taxonomy.models import Occupation, Skill
from springboard.taxonomy.services import reference_data_import

pytestmark = pytest.mark.reference_data

CV_EN = """Maria Jensen — Logistics coordinator
I managed a team of twelve warehouse staff and planned deliveries across Europe.
Skills: project management, Microsoft Excel, SQL, customer service, negotiation.
Languages: English, Danish. Driving licence C.
"""
CV_NL = """Pieter Bakker — Financieel administratief medewerker
Ervaring met boekhouding, SAP en Microsoft Excel. Ik werkte met Python en SQL
aan rapportages, en deed aan project management voor de overstap naar een nieuw ERP-systeem.
"""


@pytest.fixture
def esco_subset(reference_data: Path, tmp_path: Path) -> Path:
    """Skills (en) and occupations (en, nl) of the real download, linked, not copied."""
    for source in (
        reference_data / "esco/v1.1.1/en/skills_en.csv",
        reference_data / "esco/v1.2.0/en/occupations_en.csv",
        reference_data / "esco/v1.2.0/nl/occupations_nl.csv",
    ):
        (tmp_path / source.name).symlink_to(source)
    return tmp_path


@pytest.mark.django_db
def test_real_esco_import_and_skill_extraction_in_english_and_dutch(esco_subset: Path) -> None:
    report = reference_data_import(path=esco_subset)
    assert report.version is not None
    assert Skill.objects.count() > 13_000
    assert Occupation.objects.count() > 3_000
    assert reference_data_import(path=esco_subset).version is None

    extractor = engine_cache.get_extractor()
    english = {m.label.casefold() for m in extractor.extract(CV_EN, "en")}
    assert {"project management", "sql", "customer service", "manage a team"} <= english
    dutch = {m.label.casefold() for m in extractor.extract(CV_NL, "nl")}
    assert {"sql", "project management"} <= dutch
    assert any(label.startswith("python") for label in dutch)
