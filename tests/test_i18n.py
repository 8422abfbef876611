"""The nl, da and nb catalogues are complete, and pages come out in the person's language."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import translation

from tests.factories import World

LOCALE_DIR = Path(__file__).resolve().parent.parent / "springboard" / "locale"
TRANSLATED_LANGUAGES = ("nl", "da", "nb")


def _entries(po_file: Path) -> list[dict[str, str | bool]]:
    """Minimal .po reader: msgid, joined msgstr(s), and whether the entry is fuzzy."""
    entries: list[dict[str, str | bool]] = []
    current: dict[str, str | bool] = {}
    key = ""
    for line in [*po_file.read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip():
            if current:
                entries.append(current)
            current, key = {}, ""
            continue
        if line.startswith("#,") and "fuzzy" in line:
            current["fuzzy"] = True
        elif line.startswith("#"):
            continue
        elif match := re.match(r'^(msgid|msgid_plural|msgstr(?:\[\d\])?) "(.*)"$', line):
            key = match.group(1)
            current[key] = str(current.get(key, "")) + match.group(2)
        elif line.startswith('"') and key:
            current[key] = str(current[key]) + line[1:-1]
    return entries


@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_catalogue_is_complete(language: str) -> None:
    po_file = LOCALE_DIR / language / "LC_MESSAGES" / "django.po"
    entries = [e for e in _entries(po_file) if e.get("msgid")]
    assert len(entries) > 100
    fuzzy = [e["msgid"] for e in entries if e.get("fuzzy")]
    empty = [
        e["msgid"]
        for e in entries
        if any(k.startswith("msgstr") and v == "" for k, v in e.items())
        or not any(k.startswith("msgstr") for k in e)
    ]
    assert not fuzzy, f"fuzzy entries in {language}: {fuzzy[:5]}"
    assert not empty, f"untranslated entries in {language}: {empty[:5]}"
    assert (po_file.with_suffix(".mo")).exists(), "run compilemessages"


@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_placeholders_survive_translation(language: str) -> None:
    po_file = LOCALE_DIR / language / "LC_MESSAGES" / "django.po"
    for entry in _entries(po_file):
        msgid = str(entry.get("msgid", ""))
        if not msgid:
            continue
        wanted = sorted(re.findall(r"%\(\w+\)s", msgid))
        for key, value in entry.items():
            if key.startswith("msgstr") and not entry.get("msgid_plural"):
                assert sorted(re.findall(r"%\(\w+\)s", str(value))) == wanted, msgid


@pytest.mark.parametrize("language", ["en", *TRANSLATED_LANGUAGES])
def test_candidate_home_in_each_language(world: World, client: Client, language: str) -> None:
    user = world.a.candidate.user
    user.language = language
    user.save(update_fields=["language"])
    client.force_login(user)
    response = client.get(reverse("home:agency", kwargs={"agency_slug": world.a.agency.slug}))
    with translation.override(language):
        expected = translation.gettext("What's next")
    assert response.headers["Content-Language"] == language
    assert expected in response.text.replace("&#x27;", "'")
    if language != "en":
        assert expected != "What's next"


def test_every_message_in_the_code_is_in_the_catalogues(tmp_path: Path, monkeypatch: Any) -> None:
    """makemessages over a copy of the code: a string marked for translation but missing from a
    catalogue comes out untranslated (or fuzzy), which the catalogue check above cannot see."""
    source = LOCALE_DIR.parent
    tree = tmp_path / "springboard"
    shutil.copytree(
        source, tree, ignore=shutil.ignore_patterns("*.mo", "__pycache__", "static", "sample")
    )
    monkeypatch.chdir(tmp_path)
    with override_settings(LOCALE_PATHS=[tree / "locale"]):
        call_command("makemessages", locale=list(TRANSLATED_LANGUAGES), verbosity=0)
    for language in TRANSLATED_LANGUAGES:
        entries = _entries(tree / "locale" / language / "LC_MESSAGES" / "django.po")
        missing = [
            e["msgid"]
            for e in entries
            if e.get("msgid")
            and (e.get("fuzzy") or any(k.startswith("msgstr") and v == "" for k, v in e.items()))
        ]
        assert not missing, f"not translated into {language}: {missing[:10]}"
