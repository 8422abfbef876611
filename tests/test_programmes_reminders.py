"""Reminders: one e-mail per item per day however often (or wherever) the command runs."""

from __future__ import annotations

import datetime
from io import StringIO
from typing import Any

from django.core import mail
from django.core.management import call_command
from django.tasks import task_backends
from django.tasks.backends.dummy import DummyBackend
from django.test import override_settings
from django.utils import timezone, translation

from springboard.programmes.emails import send_reminder_email
from springboard.programmes.models import (
    PlanItem,
    PlanItemKind,
    Programme,
    ReminderSent,
)
from springboard.programmes.services import (
    intake_complete,
    reminders_enqueue,
    wellbeing_consent_give,
)
from springboard.programmes.tasks import send_reminder
from tests.factories import World, make_programme
from tests.test_programmes_templates import answers


def _due_today(world: World, language: str = "da") -> Programme:
    # The agency writes in the language it holds for the person (their membership).
    member = world.a.candidate
    member.language = language
    member.save(update_fields=["language"])
    programme = make_programme(world.a)
    intake_complete(programme=programme, actor=world.a.coach, answers=answers(), language=language)
    first = PlanItem.objects.filter(programme=programme, kind=PlanItemKind.TASK).first()
    assert first is not None
    PlanItem.objects.filter(pk=first.pk).update(due_date=timezone.localdate())
    return programme


def test_running_twice_sends_one_e_mail_per_item(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    _due_today(world)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send-reminders", stdout=StringIO())
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send-reminders", stdout=StringIO())
    assert len(mail.outbox) == 1
    assert ReminderSent.objects.count() == 1
    assert ReminderSent.objects.get().sent_at is not None


def test_a_second_worker_finds_the_claim_taken(world: World) -> None:
    _due_today(world)
    today = timezone.localdate()
    assert reminders_enqueue(today=today) == 1
    assert reminders_enqueue(today=today) == 0  # another worker, same day: nothing to claim
    reminder = ReminderSent.objects.get()
    # The same queued task delivered twice (a retry) sends once.
    assert send_reminder_email(reminder_id=reminder.pk) is True
    assert send_reminder_email(reminder_id=reminder.pk) is False
    assert len(mail.outbox) == 1


# A queue that only holds the tasks, like the database queue before the worker gets to them.
_HOLDING_QUEUE = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


def _queued_reminders() -> list[int]:
    backend = task_backends["default"]
    assert isinstance(backend, DummyBackend)
    return [
        result.kwargs["reminder_id"]
        for result in backend.results
        if result.task.module_path == send_reminder.module_path
    ]


def test_a_second_run_the_same_day_queues_no_task(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    """Counted in the queue, not in the claims: while the first run's e-mail still waits for the
    worker, a second run (or a second machine) queues nothing for the claim already taken."""
    programme = _due_today(world)
    today = timezone.localdate()
    with override_settings(TASKS=_HOLDING_QUEUE):
        with django_capture_on_commit_callbacks(execute=True):
            assert reminders_enqueue(today=today) == 1
        first = ReminderSent.objects.get()
        assert _queued_reminders() == [first.pk]
        with django_capture_on_commit_callbacks(execute=True):
            assert reminders_enqueue(today=today) == 0
        with django_capture_on_commit_callbacks(execute=True):
            call_command("send-reminders", stdout=StringIO())
        assert _queued_reminders() == [first.pk]
        # A task dated today after the first run gets its own claim, queued once.
        later = PlanItem.objects.filter(programme=programme, kind=PlanItemKind.TASK).last()
        assert later is not None
        PlanItem.objects.filter(pk=later.pk).update(due_date=today)
        with django_capture_on_commit_callbacks(execute=True):
            assert reminders_enqueue(today=today) == 1
        second = ReminderSent.objects.exclude(pk=first.pk).get()
        assert _queued_reminders() == [first.pk, second.pk]
    assert not mail.outbox  # nothing ran: the tasks only wait in the queue


def test_e_mail_is_in_the_recipients_language(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    programme = _due_today(world, language="da")
    task = PlanItem.objects.get(programme=programme, due_date=timezone.localdate(), kind="task")
    with django_capture_on_commit_callbacks(execute=True):
        reminders_enqueue(today=timezone.localdate())
    message = mail.outbox[0]
    assert message.to == [world.a.candidate.user.email]
    assert task.title in message.body  # the plan itself is Danish
    with translation.override("da"):
        hello = translation.gettext("Hello %(name)s,") % {"name": world.a.candidate.display_name}
    assert hello in message.body


def test_done_tasks_and_closed_programmes_get_no_reminder(world: World) -> None:
    programme = _due_today(world)
    PlanItem.objects.filter(programme=programme).update(done_at=timezone.now())
    assert reminders_enqueue(today=timezone.localdate()) == 0
    assert not mail.outbox


def test_weekly_check_in_reminder_only_with_consent(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    today = timezone.localdate()
    programme = make_programme(world.a, start_date=today - datetime.timedelta(days=7))
    assert reminders_enqueue(today=today) == 0
    wellbeing_consent_give(programme=programme, actor=programme.candidate)
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_enqueue(today=today) == 1
    assert ReminderSent.objects.get().kind == "checkin"
    assert len(mail.outbox) == 1
    # Not on other weekdays.
    assert reminders_enqueue(today=today + datetime.timedelta(days=1)) == 0
