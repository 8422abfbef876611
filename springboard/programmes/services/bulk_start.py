"""Starting programmes for many enrolled people in one step (after a layoff import).

`bulk_start_create` records the request (a `BulkStart` row) and queues `tasks.run_bulk_start`
after commit; `bulk_start_run` (the task's body) starts one programme per chosen enrolment
through `lifecycle.programme_create`, with the request's template version and a coach chosen by
`CoachAssigner`, and counts its progress on the row for the page that polls it.

The coach rule: a coach has room while their running programmes (invited, intake, active,
extended, paused) are fewer than the request's capacity. Among the coaches with room, one who
speaks the candidate's language (`Membership.language`) is preferred; among those, the one with
the fewest running programmes, ties going round the coaches in turn. When no coach has room the
programme starts without a coach and is counted, for the admin to assign one later.

Idempotent: an enrolment that has a programme when the task reaches it is skipped, so a second
request (or a retried task) starts nobody twice.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from functools import partial

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from springboard.employers.models import Cohort, Engagement, Enrolment
from springboard.lib.errors import DomainError
from springboard.privacy.services import audit_record
from springboard.programmes.models import (
    RUNNING_STATUSES,
    BulkStart,
    BulkStartStatus,
    Programme,
    ProgrammeTemplateVersion,
)
from springboard.programmes.services.lifecycle import programme_create
from springboard.programmes.tasks import run_bulk_start
from springboard.tenancy.models import Agency, Membership
from springboard.tenancy.roles import Role

DEFAULT_COACH_CAPACITY = 120
MAX_COACH_CAPACITY = 1000
# The row's counters are written every so many people, and at the end.
PROGRESS_EVERY = 10


class CoachAssigner:
    """Round-robin within capacity, preferring a coach who speaks the candidate's language."""

    def __init__(self, agency: Agency, *, capacity: int) -> None:
        self.capacity = capacity
        self.coaches: list[Membership] = list(
            Membership.objects.select_related("user", "agency")
            .filter(agency=agency, role=Role.COACH, is_active=True)
            .annotate(
                running=Count(
                    "coached_programmes",
                    filter=Q(coached_programmes__status__in=list(RUNNING_STATUSES)),
                )
            )
            .order_by("full_name", "pk")
        )
        self.load: dict[int, int] = {coach.pk: coach.running for coach in self.coaches}  # type: ignore[attr-defined]
        self._turn = 0

    def pick(self, language: str) -> Membership | None:
        with_room = [coach for coach in self.coaches if self.load[coach.pk] < self.capacity]
        if not with_room:
            return None
        speaking = [coach for coach in with_room if coach.language[:2] == language[:2]]
        pool = speaking or with_room
        count = len(self.coaches)
        order = {coach.pk: (index - self._turn) % count for index, coach in enumerate(self.coaches)}
        chosen = min(pool, key=lambda coach: (self.load[coach.pk], order[coach.pk]))
        self.load[chosen.pk] += 1
        self._turn = (self.coaches.index(chosen) + 1) % count
        return chosen


def bulk_start_create(
    *,
    engagement: Engagement,
    cohort: Cohort | None,
    actor: Membership,
    template_version: ProgrammeTemplateVersion,
    enrolments: Iterable[Enrolment],
    start_date: datetime.date,
    coach_capacity: int = DEFAULT_COACH_CAPACITY,
) -> BulkStart:
    """Record a bulk start for the chosen enrolments and queue the task that runs it."""
    if engagement.agency_id != actor.agency_id:
        raise DomainError(_("Choose an engagement of this agency."), field="enrolments")
    if cohort is not None and cohort.engagement_id != engagement.pk:
        raise DomainError(_("Choose a cohort of this engagement."), field="enrolments")
    if template_version.template.agency_id not in (None, actor.agency_id):
        raise DomainError(_("Choose a template of this agency."), field="template_version")
    if not 1 <= coach_capacity <= MAX_COACH_CAPACITY:
        raise DomainError(
            _("Choose a number from 1 to %(max)s.") % {"max": MAX_COACH_CAPACITY},
            field="coach_capacity",
        )
    ids = []
    for enrolment in enrolments:
        if enrolment.engagement_id != engagement.pk or (
            cohort is not None and enrolment.cohort_id != cohort.pk
        ):
            raise DomainError(_("Choose people of this engagement."), field="enrolments")
        ids.append(enrolment.pk)
    if not ids:
        raise DomainError(_("Choose at least one person."), field="enrolments")
    with transaction.atomic():
        bulk = BulkStart.objects.create(
            agency_id=actor.agency_id,
            engagement=engagement,
            cohort=cohort,
            template_version=template_version,
            start_date=start_date,
            coach_capacity=coach_capacity,
            enrolment_ids=ids,
            total=len(ids),
            requested_by=actor,
        )
        audit_record(
            agency=actor.agency,
            actor=actor.user,
            action="programme.bulk_start",
            target=bulk,
            data={"people": len(ids), "template": template_version.template.key},
        )
        transaction.on_commit(partial(run_bulk_start.enqueue, bulk_start_id=str(bulk.public_id)))
    return bulk


def _save_progress(bulk: BulkStart) -> None:
    bulk.save(
        update_fields=[
            "state",
            "processed",
            "started",
            "skipped",
            "without_coach",
            "failures",
            "finished_at",
        ]
    )


def bulk_start_run(*, bulk_start_id: str) -> BulkStart | None:
    """Start the programmes of a recorded bulk start (the task). A finished one does nothing."""
    bulk = (
        BulkStart.objects.select_related(
            "agency", "engagement", "template_version__template", "requested_by__user"
        )
        .filter(public_id=bulk_start_id)
        .first()
    )
    if bulk is None or bulk.state in (BulkStartStatus.DONE, BulkStartStatus.FAILED):
        return bulk
    actor = bulk.requested_by
    if actor is None or not actor.is_active or actor.role != Role.ADMIN:
        bulk.state = BulkStartStatus.FAILED
        bulk.failures = [{"name": "", "message": _("The admin who asked for this has left.")}]
        bulk.finished_at = timezone.now()
        _save_progress(bulk)
        return bulk
    actor.agency = bulk.agency
    bulk.state = BulkStartStatus.RUNNING
    bulk.processed = bulk.started = bulk.skipped = bulk.without_coach = 0
    bulk.failures = []
    _save_progress(bulk)
    assigner = CoachAssigner(bulk.agency, capacity=bulk.coach_capacity)
    enrolments = {
        enrolment.pk: enrolment
        for enrolment in Enrolment.objects.select_related("candidate__user", "engagement").filter(
            pk__in=bulk.enrolment_ids, agency_id=bulk.agency_id
        )
    }
    have_programme = set(
        Programme.objects.filter(enrolment_id__in=list(enrolments)).values_list(
            "enrolment_id", flat=True
        )
    )
    for enrolment_id in bulk.enrolment_ids:
        enrolment = enrolments.get(enrolment_id)
        if enrolment is None or enrolment_id in have_programme:
            bulk.skipped += 1
        elif not enrolment.candidate.is_active:
            bulk.failures.append(
                {
                    "name": enrolment.candidate.display_name,
                    "message": _("This person's membership is deactivated."),
                }
            )
        else:
            _start_one(bulk, enrolment, actor, assigner)
        bulk.processed += 1
        if bulk.processed % PROGRESS_EVERY == 0:
            _save_progress(bulk)
    bulk.state = BulkStartStatus.DONE
    bulk.finished_at = timezone.now()
    _save_progress(bulk)
    return bulk


def _start_one(
    bulk: BulkStart, enrolment: Enrolment, actor: Membership, assigner: CoachAssigner
) -> None:
    coach = assigner.pick(enrolment.candidate.language)
    try:
        programme_create(
            enrolment=enrolment,
            actor=actor,
            template_version=bulk.template_version,
            coaches=[coach] if coach is not None else [],
            start_date=bulk.start_date,
        )
    except IntegrityError:
        # Started at the same moment by someone else: the one-programme rule held.
        bulk.skipped += 1
        _give_back(assigner, coach)
        return
    except DomainError as error:
        if Programme.objects.filter(enrolment=enrolment).exists():
            bulk.skipped += 1
        else:
            bulk.failures.append(
                {"name": enrolment.candidate.display_name, "message": str(error.message)}
            )
        _give_back(assigner, coach)
        return
    bulk.started += 1
    if coach is None:
        bulk.without_coach += 1


def _give_back(assigner: CoachAssigner, coach: Membership | None) -> None:
    if coach is not None:
        assigner.load[coach.pk] -= 1


def bulk_start_crashed(*, bulk_start_id: str) -> None:
    """Mark a bulk start whose task raised as failed; what was started stays started."""
    BulkStart.objects.filter(
        public_id=bulk_start_id, state__in=[BulkStartStatus.QUEUED, BulkStartStatus.RUNNING]
    ).update(state=BulkStartStatus.FAILED, finished_at=timezone.now())
