from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time
from functools import reduce
from operator import or_
from typing import Any

from django.db import models
from django.db.models import CharField, Func, Q, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone

from springboard.privacy.declarations import PersonalData, declarations
from springboard.privacy.models import AuditEvent
from springboard.tenancy.models import Agency, Membership


class _UUIDText(Func):
    """A UUID column as the text `audit_record` stores (`str(uuid)`: lower case, with dashes).

    PostgreSQL has a uuid type whose text form is that; SQLite keeps 32 hex digits, so the
    dashes are put back.
    """

    output_field = CharField()
    template = "CAST(%(expressions)s AS text)"

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        template = (
            "lower(substr(%(expressions)s, 1, 8) || '-' || substr(%(expressions)s, 9, 4) || '-' "
            "|| substr(%(expressions)s, 13, 4) || '-' || substr(%(expressions)s, 17, 4) || '-' "
            "|| substr(%(expressions)s, 21, 12))"
        )
        return self.as_sql(compiler, connection, template=template)


def _target_id(model: type[models.Model]) -> Func:
    """How `audit_record` names a row of `model`: its public id if it has one, else its pk."""
    names = {f.name for f in model._meta.concrete_fields}
    if "public_id" in names:
        return _UUIDText("public_id")
    return Cast("pk", output_field=CharField())


def _rows_of(declaration: PersonalData, people: Sequence[Membership]) -> QuerySet[Any]:
    if isinstance(declaration.subject, str):
        if declaration.subject == "":
            return declaration.model._default_manager.filter(pk__in=[p.pk for p in people])
        return declaration.model._default_manager.filter(
            **{f"{declaration.subject}__in": [p.pk for p in people]}
        )
    return reduce(or_, (declaration.rows(person) for person in people))


def _about(people: Sequence[Membership]) -> Q:
    """Events whose target is one of `people` or one of their declared records (one SQL query:
    each kind of record is a subquery)."""
    condition = Q(
        target_type=Membership._meta.label_lower,
        target_id__in=[str(person.public_id) for person in people],
    )
    for declaration in declarations():
        # The membership is named above; nothing records an event about an audit event.
        if declaration.model in (Membership, AuditEvent):
            continue
        ids = (
            _rows_of(declaration, people)
            .order_by()
            .values_list(_target_id(declaration.model), flat=True)
        )
        condition |= Q(target_type=declaration.model._meta.label_lower, target_id__in=ids)
    return condition


def events_about(membership: Membership) -> QuerySet[AuditEvent]:
    """Audit events of the membership's agency about this person: the membership itself or any
    of their records declared as personal data. Never another agency's events, even about the
    same user; events about records since deleted are not found (nothing names their owner)."""
    return AuditEvent.objects.filter(agency_id=membership.agency_id).filter(_about([membership]))


def audit_events(
    agency: Agency,
    *,
    action: str = "",
    actor: str = "",
    since: date | None = None,
    until: date | None = None,
    people: Sequence[Membership] | None = None,
    target_type: str = "",
) -> QuerySet[AuditEvent]:
    """The agency's audit events, newest first; `people` narrows them to events about those
    people (see `events_about`), `target_type` to one kind of record (a model label)."""
    events = AuditEvent.objects.select_related("actor").filter(agency=agency)
    if people is not None:
        events = events.filter(_about(people)) if people else events.none()
    if target_type:
        events = events.filter(target_type=target_type)
    if action:
        events = events.filter(action__startswith=action)
    if actor:
        events = events.filter(actor__email__icontains=actor)
    return within_period(events, since=since, until=until).order_by("-created_at", "-id")


def within_period(
    events: QuerySet[AuditEvent], *, since: date | None, until: date | None
) -> QuerySet[AuditEvent]:
    """Events from the start of `since` to the end of `until` (local days)."""
    tz = timezone.get_current_timezone()
    if since:
        events = events.filter(created_at__gte=datetime.combine(since, time.min, tzinfo=tz))
    if until:
        events = events.filter(created_at__lte=datetime.combine(until, time.max, tzinfo=tz))
    return events


# More people than this matching a search is too broad to be a search by person.
PEOPLE_SEARCH_LIMIT = 20


def people_matching(agency: Agency, text: str) -> list[Membership]:
    """Members of the agency whose name (as this agency holds it) or e-mail contains `text`;
    at most PEOPLE_SEARCH_LIMIT + 1, so a caller can tell the search was too broad."""
    return list(
        Membership.objects.filter(agency=agency)
        .filter(Q(full_name__icontains=text) | Q(user__email__icontains=text))
        .order_by("full_name", "pk")[: PEOPLE_SEARCH_LIMIT + 1]
    )


def recent_events(agency: Agency, *, limit: int) -> list[AuditEvent]:
    return list(audit_events(agency)[:limit])


def audit_actions(agency: Agency) -> list[str]:
    return list(
        AuditEvent.objects.filter(agency=agency)
        .order_by("action")
        .values_list("action", flat=True)
        .distinct()
    )


def audit_target_types(agency: Agency) -> list[str]:
    return list(
        AuditEvent.objects.filter(agency=agency)
        .exclude(target_type="")
        .order_by("target_type")
        .values_list("target_type", flat=True)
        .distinct()
    )


def staff_by_user(agency: Agency, user_ids: set[int]) -> dict[int, Membership]:
    """The memberships in `agency` of the given users: who they are here (name as this agency
    holds it, role), never what another agency knows about them."""
    return {
        m.user_id: m
        for m in Membership.objects.select_related("user").filter(
            agency=agency, user_id__in=user_ids
        )
    }
