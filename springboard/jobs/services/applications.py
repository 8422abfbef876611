"""The application pipeline: saving a vacancy, stage changes with their dated history and
follow-up dates, interviews and offers. Accepting an offer proposes the programme's outcome."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from springboard.cvs.models import CvVersion, LetterVersion
from springboard.cvs.selectors import cv_versions_for, letter_versions_for
from springboard.jobs.models import (
    Application,
    ApplicationStage,
    Interview,
    InterviewOutcome,
    LossReason,
    Offer,
    Status,
    Vacancy,
)
from springboard.lib.errors import DomainError
from springboard.outcomes.models import FoundVia, OutcomeKind
from springboard.outcomes.services import OutcomeDetails, outcome_propose
from springboard.programmes.selectors import programmes_visible_to
from springboard.tenancy.models import Membership

# Days until the next follow-up, set on each stage change (the candidate may change it).
FOLLOW_UP_DAYS = {
    Status.SAVED: 3,
    Status.APPLIED: 7,
    Status.INTERVIEWING: 3,
    Status.OFFER: 2,
}


def _default_follow_up(status: str, today: datetime.date) -> datetime.date | None:
    days = FOLLOW_UP_DAYS.get(Status(status))
    return today + datetime.timedelta(days=days) if days is not None else None


def _check_versions(
    owner: Membership, cv_version: CvVersion | None, letter_version: LetterVersion | None
) -> None:
    if cv_version is not None and not cv_versions_for(owner).filter(pk=cv_version.pk).exists():
        raise DomainError(_("Choose one of your CV versions."), field="cv_version")
    if (
        letter_version is not None
        and not letter_versions_for(owner).filter(pk=letter_version.pk).exists()
    ):
        raise DomainError(_("Choose one of your letter versions."), field="letter_version")


@transaction.atomic
def application_create(
    *,
    owner: Membership,
    title: str = "",
    employer: str = "",
    vacancy: Vacancy | None = None,
    notes: str = "",
) -> Application:
    """A saved application, for a vacancy (once per vacancy) or typed by hand."""
    if vacancy is not None:
        existing = Application.objects.filter(owner=owner, vacancy=vacancy).first()
        if existing is not None:
            return existing
        title, employer = vacancy.title, vacancy.employer
    title, employer = title.strip(), employer.strip()
    if not title:
        raise DomainError(_("Enter the job title."), field="title")
    if not employer:
        raise DomainError(_("Enter the employer."), field="employer")
    now = timezone.now()
    application = Application.objects.create(
        owner=owner,
        vacancy=vacancy,
        title=title[:300],
        employer=employer[:300],
        notes=notes,
        status=Status.SAVED,
        status_changed_at=now,
        follow_up_on=_default_follow_up(Status.SAVED, timezone.localdate(now)),
    )
    ApplicationStage.objects.create(application=application, status=Status.SAVED, at=now)
    return application


@transaction.atomic
def application_move(
    *,
    application: Application,
    status: str,
    loss_reason: str = "",
    follow_up_on: datetime.date | None = None,
    cv_version: CvVersion | None = None,
    letter_version: LetterVersion | None = None,
) -> Application:
    """Move to a status, recording the dated stage; closing needs a reason."""
    if status not in Status.values:
        raise DomainError(_("Choose a status."), field="status")
    if status == Status.CLOSED:
        if loss_reason not in LossReason.values:
            raise DomainError(_("Choose why it closed."), field="loss_reason")
    else:
        loss_reason = ""
    locked = Application.objects.select_for_update().get(pk=application.pk)
    _check_versions(locked.owner, cv_version, letter_version)
    now = timezone.now()
    today = timezone.localdate(now)
    if follow_up_on is not None and follow_up_on < today:
        raise DomainError(_("The follow-up date cannot be in the past."), field="follow_up_on")
    if cv_version is not None:
        locked.cv_version = cv_version
    if letter_version is not None:
        locked.letter_version = letter_version
    if locked.status != status or locked.loss_reason != loss_reason:
        locked.status = status
        locked.loss_reason = loss_reason
        locked.status_changed_at = now
        ApplicationStage.objects.create(
            application=locked, status=status, loss_reason=loss_reason, at=now
        )
        locked.follow_up_on = follow_up_on or _default_follow_up(status, today)
    elif follow_up_on is not None:
        locked.follow_up_on = follow_up_on
    locked.save()
    return locked


@transaction.atomic
def interview_schedule(
    *,
    application: Application,
    starts_at: datetime.datetime,
    minutes: int,
    kind: str,
    location: str = "",
    preparation: str = "",
) -> Interview:
    """An interview; an application not yet interviewing moves there."""
    if not 10 <= minutes <= 600:
        raise DomainError(_("An interview lasts 10 to 600 minutes."), field="minutes")
    interview = Interview.objects.create(
        application=application,
        starts_at=starts_at,
        minutes=minutes,
        kind=kind,
        location=location,
        preparation=preparation,
    )
    if application.status in (Status.SAVED, Status.APPLIED):
        application_move(
            application=application,
            status=Status.INTERVIEWING,
            follow_up_on=max(timezone.localdate(starts_at), timezone.localdate()),
        )
    return interview


@transaction.atomic
def interview_record_outcome(*, interview: Interview, outcome: str) -> Interview:
    """The interview's outcome feeds the application: a rejection closes it, an offer moves it."""
    if outcome not in InterviewOutcome.values:
        raise DomainError(_("Choose an outcome."), field="outcome")
    interview.outcome = outcome
    interview.save(update_fields=["outcome"])
    application = interview.application
    if outcome == InterviewOutcome.REJECTED and application.status != Status.CLOSED:
        application_move(
            application=application, status=Status.CLOSED, loss_reason=LossReason.REJECTED
        )
    elif outcome == InterviewOutcome.OFFER and application.status in (
        Status.SAVED,
        Status.APPLIED,
        Status.INTERVIEWING,
    ):
        application_move(application=application, status=Status.OFFER)
    return interview


@transaction.atomic
def offer_record(
    *,
    application: Application,
    contract_type: str,
    hours_per_week: Decimal,
    start_date: datetime.date,
    monthly_pay: int | None = None,
    pay_compared: str = "",
    notes: str = "",
) -> Offer:
    offer = Offer.objects.create(
        application=application,
        contract_type=contract_type,
        hours_per_week=hours_per_week,
        start_date=start_date,
        monthly_pay=monthly_pay,
        pay_compared=pay_compared,
        notes=notes,
    )
    if application.status in (Status.SAVED, Status.APPLIED, Status.INTERVIEWING):
        application_move(application=application, status=Status.OFFER)
    return offer


@transaction.atomic
def offer_accept(*, offer: Offer, actor: Membership) -> Application:
    """Accept an offer: the application is accepted and the candidate's programme gets a
    proposed outcome (a new job) for the candidate to confirm in the outcomes app."""
    application = application_move(application=offer.application, status=Status.ACCEPTED)
    programme = (
        programmes_visible_to(application.owner)
        .filter(candidate=application.owner)
        .order_by("-start_date", "-pk")
        .first()
    )
    if programme is not None and offer.start_date >= programme.start_date:
        outcome_propose(
            programme=programme,
            actor=actor,
            details=OutcomeDetails(
                kind=OutcomeKind.NEW_JOB,
                start_date=offer.start_date,
                employer_name=application.employer,
                contract=offer.contract_type,
                hours_per_week=int(offer.hours_per_week),
                pay_compared=offer.pay_compared,
                found_via=FoundVia.VACANCY if application.vacancy_id else FoundVia.OTHER,
            ),
        )
    return application
