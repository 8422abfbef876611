"""The programme status machine: every legal move works, every illegal one is refused cleanly.

The expected moves are written out below, every pair of statuses, independently of the code's
`TRANSITIONS`: a change to the machine has to change this table too.
"""

from __future__ import annotations

import ast
import datetime
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

import springboard
from springboard.lib.errors import DomainError
from springboard.privacy.models import AuditEvent
from springboard.programmes.models import (
    ActivityEntry,
    Intake,
    Programme,
    ProgrammeStatus,
    StatusChange,
)
from springboard.programmes.services import TRANSITIONS, intake_complete, programme_transition
from tests.factories import World, make_programme
from tests.test_programmes_templates import answers

S = ProgrammeStatus

# from → to: "yes" is a legal move, "-" an illegal one. Columns in the order of the header.
EXPECTED_MOVES = """
              invited  intake  active  paused  extended  placed  aftercare  dropped_out  closed
invited       -        yes     -       yes     -         -       -          yes          -
intake        -        -       yes     yes     -         -       -          yes          -
active        -        -       -       yes     yes       yes     -          yes          -
paused        -        yes     yes     -       -         -       -          yes          -
extended      -        -       -       yes     yes       yes     -          yes          -
placed        -        -       -       -       -         -       yes        -            yes
aftercare     -        -       -       -       -         -       -          -            yes
dropped_out   -        -       -       -       -         -       -          -            yes
closed        -        -       -       -       -         -       -          -            -
"""


def _table() -> list[tuple[str, str, bool]]:
    header, *rows = (line.split() for line in EXPECTED_MOVES.strip().splitlines())
    return [
        (row[0], to_status, cell == "yes")
        for row in rows
        for to_status, cell in zip(header, row[1:], strict=True)
    ]


MOVES = _table()
LEGAL = [(src, dst) for src, dst, allowed in MOVES if allowed]
ILLEGAL = [(src, dst) for src, dst, allowed in MOVES if not allowed]


def test_the_table_covers_every_pair_of_statuses_once() -> None:
    pairs = [(src, dst) for src, dst, _allowed in MOVES]
    assert sorted(pairs) == sorted((src, dst) for src in S.values for dst in S.values)
    assert len(LEGAL) == 21


def test_the_machine_allows_exactly_the_moves_of_the_table() -> None:
    assert {(src, dst) for src, targets in TRANSITIONS.items() for dst in targets} == set(LEGAL)


def _programme_in(world: World, status: str, *, with_intake: bool) -> Programme:
    programme = make_programme(world.a)
    if with_intake:
        intake_complete(programme=programme, actor=world.a.coach, answers=answers(), language="en")
    # Arrange the row straight in the wanted state: the test is about the move out of it.
    Programme.objects.filter(pk=programme.pk).update(status=status)
    programme.refresh_from_db()
    return programme


@pytest.mark.parametrize(("src", "dst"), LEGAL)
def test_legal_transition(world: World, src: str, dst: str) -> None:
    # Active needs a completed intake; going back to the intake needs none.
    needs_intake = dst == S.ACTIVE or (dst != S.INTAKE and src not in (S.INVITED, S.INTAKE))
    programme = _programme_in(world, src, with_intake=needs_intake)
    before_end = programme.planned_end_date
    audits = AuditEvent.objects.filter(action="programme.transition").count()
    moved = programme_transition(
        programme=programme,
        actor=world.a.coach,
        to_status=dst,
        reason="Agreed with the candidate",
        new_end_date=before_end + datetime.timedelta(days=60),
    )
    moved.refresh_from_db()
    assert moved.status == dst
    change = StatusChange.objects.filter(programme=moved).latest("pk")
    assert (change.from_status, change.to_status) == (src, dst)
    assert AuditEvent.objects.filter(action="programme.transition").count() == audits + 1
    entry = ActivityEntry.objects.filter(programme=moved, kind="status_changed").first()
    assert entry is not None
    assert entry.data == {"from": src, "to": dst}
    if dst == S.EXTENDED:
        assert moved.planned_end_date == before_end + datetime.timedelta(days=60)
    else:
        assert moved.planned_end_date == before_end


@pytest.mark.parametrize(("src", "dst"), ILLEGAL)
def test_illegal_transition_is_refused_and_writes_nothing(world: World, src: str, dst: str) -> None:
    programme = _programme_in(world, src, with_intake=src not in (S.INVITED, S.INTAKE))
    changes = StatusChange.objects.count()
    audits = AuditEvent.objects.filter(action="programme.transition").count()
    activity = ActivityEntry.objects.count()
    with pytest.raises(DomainError, match="cannot go from"):
        programme_transition(
            programme=programme,
            actor=world.a.coach,
            to_status=dst,
            reason="Because",
            new_end_date=programme.planned_end_date + datetime.timedelta(days=60),
        )
    programme.refresh_from_db()
    assert programme.status == src
    assert StatusChange.objects.count() == changes
    assert AuditEvent.objects.filter(action="programme.transition").count() == audits
    assert ActivityEntry.objects.count() == activity


def test_the_intake_moves_an_invited_programme_through_the_machine(world: World) -> None:
    programme = make_programme(world.a)
    assert programme.status == S.INVITED
    intake_complete(programme=programme, actor=world.a.coach, answers=answers(), language="en")
    programme.refresh_from_db()
    assert programme.status == S.ACTIVE
    moves = [(c.from_status, c.to_status) for c in StatusChange.objects.filter(programme=programme)]
    assert moves == [(S.INVITED, S.INTAKE), (S.INTAKE, S.ACTIVE)]
    # Each move is recorded like any other: an activity entry and an audit event.
    logged = ActivityEntry.objects.filter(programme=programme, kind="status_changed")
    assert sorted((e.data["from"], e.data["to"]) for e in logged) == sorted(moves)
    audited = AuditEvent.objects.filter(
        action="programme.transition", target_id=str(programme.public_id)
    )
    assert sorted((a.data["from"], a.data["to"]) for a in audited) == sorted(moves)


def test_the_intake_of_a_programme_in_intake_makes_one_move(world: World) -> None:
    programme = _programme_in(world, S.INTAKE, with_intake=False)
    intake_complete(programme=programme, actor=world.a.coach, answers=answers(), language="en")
    moves = [(c.from_status, c.to_status) for c in StatusChange.objects.filter(programme=programme)]
    assert moves == [(S.INTAKE, S.ACTIVE)]


@pytest.mark.parametrize("status", [S.ACTIVE, S.PAUSED, S.CLOSED])
def test_no_intake_after_the_programme_started(world: World, status: str) -> None:
    programme = _programme_in(world, status, with_intake=False)
    with pytest.raises(DomainError, match="before the programme is active"):
        intake_complete(programme=programme, actor=world.a.coach, answers=answers(), language="en")
    assert not Intake.objects.exists()
    assert not StatusChange.objects.exists()


def test_invalid_answers_leave_the_programme_invited(world: World) -> None:
    programme = make_programme(world.a)
    with pytest.raises(ValidationError, match="job_sought"):
        intake_complete(
            programme=programme, actor=world.a.coach, answers=answers(job_sought=""), language="en"
        )
    programme.refresh_from_db()
    assert programme.status == S.INVITED
    assert not StatusChange.objects.exists()


_WRITES = {"update", "create", "get_or_create", "update_or_create", "bulk_update", "Programme"}


def _about_programmes(*nodes: ast.AST | None) -> bool:
    """Whether the written object or the value is a programme's (other models have statuses too:
    a coaching session, an import); `S` is the programmes' short name for ProgrammeStatus."""
    text = " ".join(ast.unparse(node) for node in nodes if node is not None)
    return "programme" in text.lower() or text.startswith("S.") or " S." in text


def _status_writes(path: Path) -> list[int]:
    """Lines of `path` that assign a programme's `.status` or pass `status=` to a write of one."""
    lines = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if (
                    isinstance(target, ast.Attribute)
                    and target.attr == "status"
                    and _about_programmes(target.value, node.value)
                ):
                    lines.append(node.lineno)
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            status = next((k.value for k in node.keywords if k.arg == "status"), None)
            if name in _WRITES and status is not None and _about_programmes(func, status):
                lines.append(node.lineno)
    return lines


def test_only_the_status_machine_writes_a_programme_status() -> None:
    root = Path(springboard.__file__).parent
    machine = root / "programmes" / "services" / "lifecycle.py"
    found = {}
    for path in root.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        if "migrations" in path.parts or path == machine:
            continue
        if "Programme" not in source and "ProgrammeStatus" not in source:
            continue  # cannot name the model or its statuses (other apps' own status fields)
        if lines := _status_writes(path):
            found[str(path.relative_to(root))] = lines
    assert found == {}


def test_extension_needs_a_reason_and_a_later_end_date(world: World) -> None:
    programme = _programme_in(world, S.ACTIVE, with_intake=True)
    with pytest.raises(DomainError, match="reason"):
        programme_transition(programme=programme, actor=world.a.coach, to_status=S.EXTENDED)
    with pytest.raises(DomainError, match="after the planned end date"):
        programme_transition(
            programme=programme,
            actor=world.a.coach,
            to_status=S.EXTENDED,
            reason="Long illness",
            new_end_date=programme.planned_end_date,
        )
    programme.refresh_from_db()
    assert programme.status == S.ACTIVE


def test_dropping_out_needs_a_reason(world: World) -> None:
    programme = _programme_in(world, S.ACTIVE, with_intake=True)
    with pytest.raises(DomainError, match="reason"):
        programme_transition(programme=programme, actor=world.a.coach, to_status=S.DROPPED_OUT)


def test_active_needs_the_intake_first(world: World) -> None:
    programme = _programme_in(world, S.INTAKE, with_intake=False)
    with pytest.raises(DomainError, match="intake first"):
        programme_transition(programme=programme, actor=world.a.coach, to_status=S.ACTIVE)


def test_back_to_the_intake_only_without_one(world: World) -> None:
    programme = _programme_in(world, S.PAUSED, with_intake=True)
    with pytest.raises(DomainError, match="already done"):
        programme_transition(programme=programme, actor=world.a.coach, to_status=S.INTAKE)


def test_status_form_shows_the_domain_error(world: World, client: Client) -> None:
    programme = _programme_in(world, S.ACTIVE, with_intake=True)
    client.force_login(world.a.coach.user)
    url = reverse(
        "programmes:transition",
        kwargs={"agency_slug": world.a.agency.slug, "public_id": programme.public_id},
    )
    response = client.post(url, {"to_status": S.DROPPED_OUT})
    assert response.status_code == 200
    assert "Give a reason." in response.text
    response = client.post(url, {"to_status": S.CLOSED})
    assert response.status_code == 200  # not offered from "active": the form refuses it
    response = client.post(url, {"to_status": S.PLACED})
    assert response.status_code == 302
    programme.refresh_from_db()
    assert programme.status == S.PLACED


def test_the_status_write_finder_sees_programme_writes_only(tmp_path: Path) -> None:
    source = tmp_path / "writes.py"
    source.write_text(
        "Programme.objects.filter(pk=1).update(status='placed')\n"
        "programme.status = S.PLACED\n"
        "session.status = SessionStatus.BOOKED\n"
        "Session.objects.create(status=SessionStatus.BOOKED)\n",
        encoding="utf-8",
    )
    assert sorted(_status_writes(source)) == [1, 2]
