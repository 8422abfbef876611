"""Reads about assessments. Staff reads of a candidate's answers and results are audited here."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet

from springboard.assessments.content import SPECS
from springboard.assessments.models import Attempt, Instrument, InstrumentVersion
from springboard.privacy.services import audit_record
from springboard.tenancy.models import Membership

INTEREST_PROFILER = "interest-profiler-60"


def interest_scores(membership: Membership) -> dict[str, int] | None:
    """{"R", "I", "A", "S", "E", "C"} of the candidate's latest finished interest-profiler-60
    attempt in the membership's agency; None when there is none."""
    attempt = (
        Attempt.objects.filter(
            candidate=membership,
            version__instrument__key=INTEREST_PROFILER,
            completed_at__isnull=False,
        )
        .order_by("-completed_at", "-pk")
        .only("scores")
        .first()
    )
    if attempt is None or not attempt.scores:
        return None
    return {area: int(value) for area, value in attempt.scores["scores"].items()}


def instruments() -> QuerySet[Instrument]:
    """Instruments that have a version (imported); the others cannot be taken."""
    return Instrument.objects.filter(versions__isnull=False).distinct().order_by("position", "key")


def pending_instrument_keys() -> list[str]:
    """The instruments we ship that are not imported yet, in their usual order."""
    imported = set(instruments().values_list("key", flat=True))
    return [spec.key for spec in SPECS if spec.key not in imported]


def latest_version(instrument: Instrument) -> InstrumentVersion | None:
    return instrument.versions.order_by("-number").first()


def attempts_of(candidate: Membership, instrument: Instrument | None = None) -> QuerySet[Attempt]:
    attempts = Attempt.objects.filter(candidate=candidate).select_related("version__instrument")
    if instrument is not None:
        attempts = attempts.filter(version__instrument=instrument)
    return attempts


def open_attempt(candidate: Membership, instrument: Instrument) -> Attempt | None:
    return attempts_of(candidate, instrument).filter(completed_at=None).first()


def finished_attempts(candidate: Membership, instrument: Instrument) -> QuerySet[Attempt]:
    return (
        attempts_of(candidate, instrument)
        .filter(completed_at__isnull=False)
        .order_by("-completed_at", "-pk")
    )


@dataclass
class InstrumentStatus:
    instrument: Instrument
    version: InstrumentVersion
    open_attempt: Attempt | None
    answered: int
    total: int
    last_completed_at: datetime.datetime | None


def instrument_statuses(candidate: Membership) -> list[InstrumentStatus]:
    """One row per instrument: not started, in progress (n of N) or done (with the date)."""
    from_instrument: dict[int, list[Attempt]] = {}
    for attempt in attempts_of(candidate).order_by("-started_at", "-pk"):
        from_instrument.setdefault(attempt.version.instrument_id, []).append(attempt)
    rows = []
    for instrument in instruments():
        version = latest_version(instrument)
        assert version is not None  # instruments() holds only versioned ones
        attempts = from_instrument.get(instrument.pk, [])
        current = next((a for a in attempts if not a.is_complete), None)
        done = [a.completed_at for a in attempts if a.completed_at]
        rows.append(
            InstrumentStatus(
                instrument=instrument,
                version=current.version if current else version,
                open_attempt=current,
                answered=_answered(current) if current else 0,
                total=len(current.version.items if current else version.items),
                last_completed_at=max(done) if done else None,
            )
        )
    return rows


def _answered(attempt: Attempt) -> int:
    return sum(1 for item in attempt.version.items if attempt.answers.get(item["key"]))


def audited_attempts(*, viewer: Membership, candidate: Membership) -> list[Attempt]:
    """A coach reads the candidate's attempts (finished and open): audited."""
    attempts = list(attempts_of(candidate).order_by("-started_at", "-pk"))
    audit_record(
        agency=viewer.agency,
        actor=viewer.user,
        action="assessments.results_read",
        target=candidate,
        data={"attempts": len(attempts)},
    )
    return attempts


def audited_attempt(*, viewer: Membership, attempt: Attempt) -> Attempt:
    """A coach reads one attempt's answers and results: audited."""
    audit_record(
        agency=viewer.agency,
        actor=viewer.user,
        action="assessments.answers_read",
        target=attempt,
        data={
            "instrument": attempt.version.instrument.key,
            "candidate": str(attempt.candidate.public_id),
        },
    )
    return attempt
