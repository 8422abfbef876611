"""Import, versions, attempts, re-scoring, the command and the selector other apps use."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from springboard.assessments import selectors, services
from springboard.assessments.demo import assessments_demo
from springboard.assessments.importer import import_instruments
from springboard.assessments.models import Attempt, Instrument, InstrumentVersion
from springboard.lib.errors import DomainError
from tests.factories import World

FIXTURES = Path(__file__).parent / "fixtures" / "assessments"
REAL_DATA = Path("/work/shared/data")
IP = "interest-profiler-60"


def _import(path: Path = FIXTURES) -> list[str]:
    lines: list[str] = []
    import_instruments(path, lines.append)
    return lines


def _finished(world: World, key: str, answers: list[int]) -> Attempt:
    instrument = Instrument.objects.get(key=key)
    attempt = services.attempt_start(candidate=world.a.candidate, instrument=instrument)
    keys = [item["key"] for item in attempt.version.items]
    services.attempt_save_answers(attempt=attempt, answers=dict(zip(keys, answers, strict=True)))
    return services.attempt_finish(attempt=attempt, actor=world.a.candidate)


def test_interest_scores_selector(world: World) -> None:
    _import()
    assert selectors.interest_scores(world.a.candidate) is None
    # Items cycle two per area R, I, A, S, E, C: answer 5 for R, 1 elsewhere.
    answers = [5 if (i // 2) % 6 == 0 else 1 for i in range(60)]
    _finished(world, IP, answers)
    assert selectors.interest_scores(world.a.candidate) == {
        "R": 40,
        "I": 0,
        "A": 0,
        "S": 0,
        "E": 0,
        "C": 0,
    }
    # Another candidate, and the same person in another agency, have none.
    assert selectors.interest_scores(world.a.candidate2) is None
    assert selectors.interest_scores(world.b.candidate) is None
    # The latest finished attempt counts; an open one does not.
    _finished(world, IP, [2] * 60)
    instrument = Instrument.objects.get(key=IP)
    services.attempt_start(candidate=world.a.candidate, instrument=instrument)
    assert selectors.interest_scores(world.a.candidate) == dict.fromkeys("RIASEC", 10)


def test_import_is_idempotent_and_versions_changes(world: World, tmp_path: Path) -> None:
    first = _import()
    assert any("interest-profiler-60: version 1 (new, 60 items)" in line for line in first)
    versions = InstrumentVersion.objects.count()
    second = _import()
    assert InstrumentVersion.objects.count() == versions
    assert all("new" not in line for line in second)

    old = _finished(world, IP, [3] * 60)
    data = tmp_path / "data"
    shutil.copytree(FIXTURES, data)
    csv_path = data / "onet_interest_profiler" / "ip_short_form_60_items.csv"
    csv_path.write_text(csv_path.read_text().replace("number 7 ", "number seven "))
    _import(data)
    assert InstrumentVersion.objects.filter(instrument__key=IP).count() == 2
    old.refresh_from_db()
    assert old.version.number == 1
    new = services.attempt_start(
        candidate=world.a.candidate, instrument=Instrument.objects.get(key=IP)
    )
    assert new.version.number == 2
    assert "seven" in new.version.items[6]["text"]["en"]


def test_import_skips_missing_or_broken_files(db: None, tmp_path: Path) -> None:
    (tmp_path / "onet_interest_profiler").mkdir()
    (tmp_path / "onet_interest_profiler" / "ip_short_form_60_items.csv").write_text(
        "index,area_code,text\n1,X,Nonsense\n"
    )
    lines = _import(tmp_path)
    assert any("interest-profiler-60: skipped" in line for line in lines)
    assert any("ipip-neo-120: skipped" in line for line in lines)
    # The free-text instruments are our own content and always import.
    assert set(Instrument.objects.values_list("key", flat=True)) == {
        "strengths",
        "wellbeing-factors",
    }


def test_finish_needs_every_answer_and_ticks_nothing_twice(world: World) -> None:
    _import()
    attempt = services.attempt_start(
        candidate=world.a.candidate, instrument=Instrument.objects.get(key=IP)
    )
    services.attempt_save_answers(attempt=attempt, answers={"1": 5, "2": 4})
    with pytest.raises(DomainError):
        services.attempt_finish(attempt=attempt, actor=world.a.candidate)
    with pytest.raises(DomainError):
        services.attempt_save_answers(attempt=attempt, answers={"1": 6})
    with pytest.raises(DomainError):
        services.attempt_save_answers(attempt=attempt, answers={"61": 1})
    with pytest.raises(DomainError):
        services.attempt_save_answers(attempt=attempt, answers={"1": True})
    attempt.refresh_from_db()
    assert attempt.answers == {"1": 5, "2": 4}


def test_rescore_from_stored_answers(world: World) -> None:
    _import()
    attempt = _finished(world, "ipip-neo-120", [5, 5, 4, 4, 3, 3, 2, 2, 1, 1])
    # Mini IPIP fixture: per domain one plus item (facet 1) and one minus item (facet 2).
    assert attempt.scores == {
        "domains": {"N": 6, "E": 6, "O": 6, "A": 6, "C": 6},
        "facets": {
            "N1": 5,
            "N2": 1,
            "E1": 4,
            "E2": 2,
            "O1": 3,
            "O2": 3,
            "A1": 2,
            "A2": 4,
            "C1": 1,
            "C2": 5,
        },
    }
    assert attempt.scoring_rule == "ipip-sum/1"
    assert services.attempt_rescore(attempt=attempt) is False
    Attempt.objects.filter(pk=attempt.pk).update(scores={"domains": {}}, scoring_rule="old/0")
    assert services.attempt_rescore(attempt=attempt) is True
    attempt.refresh_from_db()
    assert attempt.scores is not None
    assert attempt.scores["domains"]["N"] == 6
    assert attempt.scoring_rule == "ipip-sum/1"


def _command(*args: str) -> dict[str, object]:
    out = io.StringIO()
    call_command("score-assessment", *args, stdout=out)
    loaded: dict[str, object] = json.loads(out.getvalue())
    return loaded


def test_command_needs_an_import(db: None) -> None:
    with pytest.raises(CommandError, match="import-reference-data"):
        _command(IP, "3" * 60)


def test_command_outputs(db: None) -> None:
    _import()
    answers = "".join("5" if (i // 2) % 6 == 1 else "3" for i in range(60))
    result = _command(IP, answers)
    assert result == {
        "instrument": IP,
        "version": 1,
        "scores": {"R": 20, "I": 40, "A": 20, "S": 20, "E": 20, "C": 20},
        "holland_code": "IRA",
        "ties": [["R", "A", "S", "E", "C"]],
    }
    translated = _command(IP, answers, "--lang", "no")
    assert translated["scores"] == result["scores"]
    assert translated["lang"] == "nb"
    names = translated["names"]
    assert isinstance(names, dict)
    assert names["E"] == "Driftig"
    big_five = _command("ipip-neo-120", "5511111111", "--lang", "nl")
    assert big_five["domains"] == {"N": 6, "E": 6, "O": 6, "A": 6, "C": 6}
    assert big_five["facets"] == {
        "N1": 5,
        "N2": 1,
        "E1": 1,
        "E2": 5,
        "O1": 1,
        "O2": 5,
        "A1": 1,
        "A2": 5,
        "C1": 1,
        "C2": 5,
    }


@pytest.mark.parametrize(
    ("answers", "message"),
    [("3" * 59, "expected 60 answers, got 59"), ("3" * 9 + "6" + "3" * 50, "position 10")],
)
def test_command_errors(db: None, answers: str, message: str) -> None:
    _import()
    with pytest.raises(CommandError, match=message):
        _command(IP, answers)


@pytest.mark.skipif(not REAL_DATA.is_dir(), reason="/work/shared/data (reference data) is absent")
def test_real_reference_data(db: None) -> None:
    lines = _import(REAL_DATA)
    assert all("skipped" not in line for line in lines), lines
    counts = {v.instrument.key: len(v.items) for v in InstrumentVersion.objects.all()}
    assert counts == {
        IP: 60,
        "ipip-neo-120": 120,
        "work-values": 21,
        "strengths": 0,
        "wellbeing-factors": 6,
    }
    for version in InstrumentVersion.objects.all():
        for item in version.items:
            assert set(item["text"]) == {"en", "nl", "da", "nb"}
            assert all(item["text"].values()), item
    # Our translations differ from the English (none was left untranslated).
    ip = InstrumentVersion.objects.get(instrument__key=IP)
    assert all(item["text"]["nl"] != item["text"]["en"] for item in ip.items)
    assert _import(REAL_DATA)
    assert InstrumentVersion.objects.count() == 5
    # All-middle answers: every IPIP domain 72, every facet 12 (minus keys: 6 - 3 = 3).
    result = _command("ipip-neo-120", "3" * 120)
    domains = result["domains"]
    assert isinstance(domains, dict)
    assert set(domains.values()) == {72}


def test_demo_fills_attempts_once(world: World) -> None:
    candidates = [world.a.candidate, world.a.candidate2]
    assessments_demo(world.a.agency, candidates)
    assert not Attempt.objects.exists()  # no instruments yet: nothing to fill
    _import()
    assessments_demo(world.a.agency, candidates)
    assessments_demo(world.a.agency, candidates)
    assert selectors.interest_scores(world.a.candidate) is not None
    assert Attempt.objects.filter(candidate=world.a.candidate).count() == 3
    open_attempt = Attempt.objects.get(candidate=world.a.candidate2)
    assert len(open_attempt.answers) == 30
    assert not open_attempt.is_complete


def _texts(node: object) -> list[dict[str, str]]:
    """Every {"en": …} text object in a data file, however deep."""
    found: list[dict[str, str]] = []
    if isinstance(node, dict):
        if "en" in node and all(isinstance(v, str) for v in node.values()):
            found.append(node)
        else:
            for value in node.values():
                found.extend(_texts(value))
    elif isinstance(node, list):
        for value in node:
            found.extend(_texts(value))
    return found


def test_our_translations_are_complete() -> None:
    data = Path(__file__).parent.parent / "springboard" / "assessments" / "data"
    for path in sorted(data.glob("*.json")):
        content = json.loads(path.read_text(encoding="utf-8"))
        for texts in _texts(content):
            if not texts["en"]:
                continue  # an empty attribution: nothing to say in any language
            assert set(texts) == {"en", "nl", "da", "nb"}, (path.name, texts)
            assert all(texts.values()), (path.name, texts)
        translations = content.get("items") or content.get("needs") or {}
        if isinstance(translations, dict):  # ours: keyed by item index or need id
            for key, texts in translations.items():
                assert set(texts) == {"nl", "da", "nb"}, (path.name, key)
                assert all(texts.values()), (path.name, key)
    assert len(json.loads((data / "interest_profiler.json").read_text())["items"]) == 60
    assert len(json.loads((data / "work_values.json").read_text())["needs"]) == 21
