"""Writes about engagements, cohorts and their preparation checklists."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from springboard.employers.models import (
    ChecklistTemplate,
    ChecklistTemplateItem,
    Cohort,
    CohortTask,
    Engagement,
)
from springboard.employers.selectors import checklist_items_of
from springboard.lib.errors import DomainError
from springboard.privacy.services import audit_record
from springboard.tenancy.models import Agency, Employer, Membership


def _save(instance: Any, **fields: Any) -> None:
    for key, value in fields.items():
        setattr(instance, key, value)
    instance.full_clean()
    try:
        instance.save()
    except IntegrityError as exc:  # a concurrent duplicate that full_clean could not see yet
        raise DomainError(_("This name is already in use.")) from exc


@transaction.atomic
def engagement_save(
    *,
    employer: Employer,
    actor: Membership,
    name: str,
    start_date: date,
    duration_months: int,
    budget_amount: Decimal,
    budget_currency: str,
    reporting_level: str,
    contacts: list[Membership],
    engagement: Engagement | None = None,
) -> Engagement:
    if any(c.employer_id != employer.pk for c in contacts):
        raise DomainError(_("Contact persons must work for this employer."), field="contacts")
    duplicate = Engagement.objects.filter(employer=employer, name__iexact=name.strip())
    if engagement is not None:
        duplicate = duplicate.exclude(pk=engagement.pk)
    if duplicate.exists():
        raise DomainError(
            _("This employer already has an engagement with this name."), field="name"
        )
    created = engagement is None
    engagement = engagement or Engagement(agency_id=employer.agency_id, employer=employer)
    _save(
        engagement,
        name=name.strip(),
        start_date=start_date,
        duration_months=duration_months,
        budget_amount=budget_amount,
        budget_currency=budget_currency,
        reporting_level=reporting_level,
    )
    engagement.contacts.set(contacts)
    audit_record(
        agency=employer.agency,
        actor=actor.user,
        action="engagement.create" if created else "engagement.update",
        target=engagement,
        data={"reporting_level": reporting_level},
    )
    return engagement


@transaction.atomic
def checklist_template_save(
    *, agency: Agency, actor: Membership, items: list[dict[str, Any]]
) -> ChecklistTemplate:
    template, _created = ChecklistTemplate.objects.get_or_create(agency=agency)
    template.items.all().delete()
    ChecklistTemplateItem.objects.bulk_create(
        ChecklistTemplateItem(template=template, position=index, **item)
        for index, item in enumerate(items)
    )
    template.save(update_fields=["updated_at"])
    audit_record(
        agency=agency,
        actor=actor.user,
        action="checklist_template.update",
        data={"items": len(items)},
    )
    return template


@transaction.atomic
def cohort_create(
    *,
    engagement: Engagement,
    actor: Membership,
    name: str,
    notice_date: date,
    expected_size: int,
    locations: str,
) -> Cohort:
    if Cohort.objects.filter(engagement=engagement, name__iexact=name.strip()).exists():
        raise DomainError(_("This engagement already has a cohort with this name."), field="name")
    cohort = Cohort(engagement=engagement)
    _save(
        cohort,
        name=name.strip(),
        notice_date=notice_date,
        expected_size=expected_size,
        locations=locations.strip(),
    )
    CohortTask.objects.bulk_create(
        CohortTask(
            cohort=cohort,
            title=item.title,
            description=item.description,
            owner_side=item.owner,
            due_date=notice_date - timedelta(days=item.days_before_notice),
            position=item.position,
        )
        for item in checklist_items_of(engagement.employer.agency)
    )
    audit_record(
        agency=engagement.employer.agency, actor=actor.user, action="cohort.create", target=cohort
    )
    return cohort


@transaction.atomic
def cohort_task_set_done(*, task: CohortTask, actor: Membership, done: bool) -> CohortTask:
    locked = CohortTask.objects.select_for_update().get(pk=task.pk)
    if done and locked.done_at is None:
        locked.done_at, locked.done_by = timezone.now(), actor.user
    elif not done:
        locked.done_at, locked.done_by = None, None
    locked.save(update_fields=["done_at", "done_by"])
    return locked
