"""The daily outcomes run: aftercare starts with the new work, due check-ins and coach reminders
are claimed once, however often the run is repeated."""

from __future__ import annotations

import datetime

from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from springboard.outcomes.models import CheckIn, CoachDigest
from springboard.outcomes.services import (
    OutcomeDetails,
    outcome_confirm,
    outcome_record,
    outcome_reminders_run,
)
from springboard.programmes.models import Programme, ProgrammeStatus
from tests.factories import World
from tests.test_outcomes_fixtures import active_programme


def test_aftercare_starts_with_the_work_and_everything_is_sent_once(
    world: World, django_capture_on_commit_callbacks: object
) -> None:
    a = world.a
    today = timezone.localdate()
    programme = active_programme(a, start_date=today - datetime.timedelta(days=100))
    outcome = outcome_record(
        programme=programme,
        actor=a.coach,
        details=OutcomeDetails(
            kind="new_job",
            start_date=today + datetime.timedelta(days=3),
            employer_name="Nordlys",
            contract="permanent",
        ),
    )
    outcome_confirm(outcome=outcome, candidate=a.candidate)
    programme.refresh_from_db()
    assert programme.status == ProgrammeStatus.PLACED
    # A programme past its end without an outcome: its coach gets a weekly reminder.
    late = active_programme(
        a, candidate=a.candidate2, start_date=today - datetime.timedelta(days=400)
    )
    Programme.objects.filter(pk=late.pk).update(planned_end_date=today - datetime.timedelta(days=2))
    mail.outbox.clear()
    later = today + datetime.timedelta(days=36)  # the 1-month check-in is due
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        first = outcome_reminders_run(today=later)
        second = outcome_reminders_run(today=later)
    assert first.moved_to_aftercare == 1
    assert first.checkins_queued == 1  # the 1-month check-in of the new work
    assert first.digests_queued == 1
    assert (second.moved_to_aftercare, second.checkins_queued, second.digests_queued) == (0, 0, 0)
    programme.refresh_from_db()
    assert programme.status == ProgrammeStatus.AFTERCARE
    assert CoachDigest.objects.get().sent_at is not None
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [a.candidate.user.email, a.coach.user.email]
    )
    # A week on: one reminder for the unanswered check-in; the coach's next weekly reminder.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        week_later = outcome_reminders_run(today=later + datetime.timedelta(days=8))
    assert week_later.checkins_queued == 1
    assert CheckIn.objects.filter(reminded_at__isnull=False).count() == 1
    call_command("send-outcome-reminders")
