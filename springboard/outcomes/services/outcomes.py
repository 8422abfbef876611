"""Recording, proposing and confirming a programme's outcome, and what that does to its status
(docs/outcomes.md, "Outcomes and the programme's status")."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from springboard.lib.errors import DomainError
from springboard.outcomes.models import CheckIn, Outcome, OutcomeKind, OutcomeSource
from springboard.outcomes.services.aftercare import checkins_schedule
from springboard.privacy.services import audit_record
from springboard.programmes.models import Programme, ProgrammeStatus
from springboard.programmes.services import programme_transition
from springboard.taxonomy.models import Occupation
from springboard.tenancy.models import Membership
from springboard.tenancy.roles import Role

S = ProgrammeStatus

# Statuses from which a confirmed placement or drop-out moves the programme on.
_WORKING = frozenset({S.ACTIVE, S.EXTENDED})
# The fields that describe a new job; other kinds keep them empty.
_JOB_FIELDS = (
    "employer_name",
    "occupation",
    "same_occupation",
    "contract",
    "hours_per_week",
    "pay_compared",
    "found_via",
)


@dataclass
class OutcomeDetails:
    kind: str
    start_date: datetime.date
    employer_name: str = ""
    occupation: Occupation | None = None
    same_occupation: bool | None = None
    contract: str = ""
    hours_per_week: int | None = None
    pay_compared: str = ""
    found_via: str = ""
    note: str = ""
    extra: dict[str, str] = field(default_factory=dict)


def _check(programme: Programme, details: OutcomeDetails) -> None:
    if details.kind not in OutcomeKind.values:
        raise DomainError(_("Choose an outcome."), field="kind")
    if details.start_date < programme.start_date:
        raise DomainError(_("The date cannot be before the programme started."), field="start_date")
    if details.kind == OutcomeKind.NEW_JOB:
        if not details.employer_name.strip():
            raise DomainError(_("Name the new employer."), field="employer_name")
        if not details.contract:
            raise DomainError(_("Choose the kind of contract."), field="contract")


def _save(programme: Programme, actor: Membership, details: OutcomeDetails, source: str) -> Outcome:
    if programme.agency_id != actor.agency_id:
        raise DomainError(_("Choose a programme of this agency."))
    _check(programme, details)
    outcome = Outcome.objects.select_for_update().filter(programme=programme).first()
    if outcome is not None and programme.status == S.CLOSED:
        raise DomainError(_("The programme is closed; its outcome can no longer change."))
    outcome = outcome or Outcome(agency_id=programme.agency_id, programme=programme)
    outcome.kind = details.kind
    outcome.start_date = details.start_date
    is_job = details.kind == OutcomeKind.NEW_JOB
    for name in _JOB_FIELDS:
        value = getattr(details, name)
        setattr(outcome, name, value if is_job else (None if value is None else type(value)()))
    if not is_job:
        outcome.occupation = None
        outcome.same_occupation = None
        outcome.hours_per_week = None
    outcome.note = details.note.strip()
    outcome.source = source
    outcome.recorded_by = actor
    outcome.recorded_at = timezone.now()
    # A changed record is a new statement: the candidate confirms it again.
    outcome.confirmed_at = None
    outcome.full_clean(exclude=["programme", "agency", "recorded_by", "occupation"])
    outcome.save()
    # Check-ins of an earlier start date that nobody answered no longer apply.
    CheckIn.objects.filter(programme=programme, answered_at__isnull=True).delete()
    audit_record(
        agency=actor.agency,
        actor=actor.user,
        action="outcome.record",
        target=programme,
        data={"kind": details.kind, "source": source},
    )
    return outcome


@transaction.atomic
def outcome_record(*, programme: Programme, actor: Membership, details: OutcomeDetails) -> Outcome:
    """A coach or an admin records (or corrects) the outcome; the candidate then confirms it."""
    return _save(programme, actor, details, OutcomeSource.STAFF)


@transaction.atomic
def outcome_propose(
    *,
    programme: Programme,
    actor: Membership,
    details: OutcomeDetails,
    source: str = OutcomeSource.OFFER,
) -> Outcome:
    """Propose an outcome from another record, e.g. an accepted job offer (the job-search app
    calls this). A confirmed outcome is never replaced by a proposal."""
    existing = Outcome.objects.filter(programme=programme, confirmed_at__isnull=False).first()
    if existing is not None:
        return existing
    return _save(programme, actor, details, source)


@transaction.atomic
def outcome_confirm(*, outcome: Outcome, candidate: Membership) -> Outcome:
    """The candidate confirms the record. A placement moves an active programme to placed (and
    to aftercare once the work has started) and schedules the check-ins; a drop-out moves it to
    dropped out. Other outcomes leave the status to the coach."""
    locked = Outcome.objects.select_for_update().select_related("programme").get(pk=outcome.pk)
    programme = locked.programme
    if programme.candidate_id != candidate.pk or candidate.role != Role.CANDIDATE:
        raise DomainError(_("Only the candidate can confirm their outcome."))
    if locked.confirmed_at is not None:
        return locked
    locked.confirmed_at = timezone.now()
    locked.save(update_fields=["confirmed_at"])
    reason = _("Outcome confirmed: %(kind)s") % {"kind": OutcomeKind(locked.kind).label}
    if locked.is_placement:
        if programme.status in _WORKING:
            programme = programme_transition(
                programme=programme, actor=candidate, to_status=S.PLACED, reason=reason
            )
        if programme.status == S.PLACED and locked.start_date <= timezone.localdate():
            programme = programme_transition(
                programme=programme, actor=candidate, to_status=S.AFTERCARE, reason=reason
            )
        checkins_schedule(programme=programme, start_date=locked.start_date)
    elif locked.kind == OutcomeKind.DROPPED_OUT and programme.status in (
        _WORKING | {S.INVITED, S.INTAKE, S.PAUSED}
    ):
        programme_transition(
            programme=programme, actor=candidate, to_status=S.DROPPED_OUT, reason=reason
        )
    audit_record(
        agency=candidate.agency,
        actor=candidate.user,
        action="outcome.confirm",
        target=programme,
        data={"kind": locked.kind},
    )
    return locked
