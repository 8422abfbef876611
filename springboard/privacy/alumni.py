"""Alumni access: after a candidate's programmes in an agency have all closed, they keep read
access to their own data (and can export it) for the agency's `PrivacySettings.alumni_months`;
every other write is refused. 30 days before the end they are e-mailed; after it, that agency
shows them an "access ended" page. Another agency's membership of the same person is not touched:
everything here is about one membership.

The privacy app sits below the programmes app, so it does not read programmes itself: the
programmes app registers where the end of a candidate's programmes comes from
(`register_programme_end_source`). The tenant middleware calls `alumni_gate` on every request of
a candidate, so no view has to remember the rule.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMultiAlternatives
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from springboard.privacy.models import AlumniNotice, PrivacySettings
from springboard.privacy.services import audit_record
from springboard.tenancy.models import Agency, Membership
from springboard.tenancy.roles import Role

# For candidates whose programmes (in their agency) have all ended: the day the last one ended.
ProgrammeEndSource = Callable[[QuerySet[Membership]], dict[int, datetime.date]]

NOTICE_DAYS_BEFORE_END = 30
# Writes an alumnus may still make: their privacy rights (export, erasure, consents).
ALUMNI_WRITABLE_NAMESPACES = frozenset({"exports", "erasure", "consents"})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

_programme_end_source: list[ProgrammeEndSource] = []


def register_programme_end_source(source: ProgrammeEndSource) -> None:
    """Called once by the programmes app; registering the same source again changes nothing."""
    if source not in _programme_end_source:
        _programme_end_source[:] = [source]


def programme_ends(candidates: QuerySet[Membership]) -> dict[int, datetime.date]:
    if not _programme_end_source:
        raise ImproperlyConfigured("The programmes app has not registered its programme ends.")
    return _programme_end_source[0](candidates)


@dataclass(frozen=True)
class AlumniStatus:
    ended_on: datetime.date
    access_until: datetime.date

    def is_over(self, today: datetime.date) -> bool:
        return today > self.access_until

    @property
    def notice_from(self) -> datetime.date:
        return self.access_until - datetime.timedelta(days=NOTICE_DAYS_BEFORE_END)


def _months_by_agency(agency_ids: set[int]) -> dict[int, int]:
    default = PrivacySettings._meta.get_field("alumni_months").get_default()
    months = dict.fromkeys(agency_ids, int(default))
    months.update(
        PrivacySettings.objects.filter(agency_id__in=agency_ids).values_list(
            "agency_id", "alumni_months"
        )
    )
    return months


def _status(ended_on: datetime.date, months: int) -> AlumniStatus:
    return AlumniStatus(ended_on=ended_on, access_until=ended_on + relativedelta(months=months))


def alumni_status(membership: Membership) -> AlumniStatus | None:
    """The alumni period of a candidate whose programmes have all ended; None for anyone else
    (staff, a candidate without a programme or with one still running)."""
    if membership.role != Role.CANDIDATE:
        return None
    ended_on = programme_ends(Membership.objects.filter(pk=membership.pk)).get(membership.pk)
    if ended_on is None:
        return None
    return _status(ended_on, _months_by_agency({membership.agency_id})[membership.agency_id])


def alumni_gate(request: HttpRequest, membership: Membership) -> HttpResponse | None:
    """For the tenant middleware: the answer for an alumnus whose access ended, or who tries a
    write other than their privacy rights; None when the request may go on. Sets
    `request.alumni` (the status, or None) for pages that show the read-only state."""
    status = alumni_status(membership)
    request.alumni = status  # type: ignore[attr-defined]
    if status is None:
        return None
    if status.is_over(timezone.localdate()):
        message = _("Your access to %(agency)s has ended.") % {"agency": membership.agency.name}
        return _refuse(request, membership, status, message, "privacy/alumni/ended.html")
    namespace = request.resolver_match.namespace if request.resolver_match else ""
    if request.method in SAFE_METHODS or namespace in ALUMNI_WRITABLE_NAMESPACES:
        return None
    message = _("Your programme has ended: your data can be read but not changed.")
    return _refuse(request, membership, status, message, "privacy/alumni/read_only.html")


def _refuse(
    request: HttpRequest,
    membership: Membership,
    status: AlumniStatus,
    message: str,
    template: str,
) -> HttpResponse:
    """403: JSON for the API; for htmx (which swaps nothing on a 403) a reload that shows the
    message; else the page explaining it."""
    if request.resolver_match is not None and request.resolver_match.namespace == "api":
        return JsonResponse({"detail": message}, status=403)
    if request.headers.get("HX-Request"):
        messages.error(request, message)
        return HttpResponse(status=403, headers={"HX-Refresh": "true"})
    return render(request, template, {"agency": membership.agency, "status": status}, status=403)


def notices_due(today: datetime.date) -> list[tuple[Membership, AlumniStatus]]:
    """Alumni whose access ends within NOTICE_DAYS_BEFORE_END days and who were not told yet."""
    candidates = Membership.objects.filter(role=Role.CANDIDATE, is_active=True)
    ends = programme_ends(candidates)
    if not ends:
        return []
    people = Membership.objects.select_related("user", "agency").filter(pk__in=ends)
    months = _months_by_agency({p.agency_id for p in people})
    told = set(
        AlumniNotice.objects.filter(membership_id__in=ends, sent_at__isnull=False).values_list(
            "membership_id", "access_until"
        )
    )
    due = []
    for person in people:
        status = _status(ends[person.pk], months[person.agency_id])
        if status.notice_from <= today <= status.access_until and (
            (person.pk, status.access_until) not in told
        ):
            due.append((person, status))
    return sorted(due, key=lambda pair: pair[0].pk)


def _send_notice(person: Membership, status: AlumniStatus) -> None:
    agency: Agency = person.agency
    path = reverse("home:agency", kwargs={"agency_slug": agency.slug})
    with translation.override(person.language):
        context = {
            "name": person.display_name,
            "agency": agency,
            "access_until": status.access_until,
            "url": f"{settings.SITE_URL}{path}",
        }
        subject = render_to_string("privacy/alumni/notice_subject.txt", context).strip()
        body = render_to_string("privacy/alumni/notice_body.txt", context)
    EmailMultiAlternatives(subject=subject, body=body, to=[person.user.email]).send()


def send_alumni_notices(today: datetime.date) -> int:
    """E-mail every alumnus whose access ends within 30 days, once per end of access; returns
    how many were sent. Each notice is claimed (a row, then `sent_at` set in one conditional
    UPDATE) before its e-mail goes, so reruns and parallel runs send nothing twice; a failed
    send gives the claim back for the next run."""
    sent = 0
    for person, status in notices_due(today):
        notice, _created = AlumniNotice.objects.get_or_create(
            membership=person, access_until=status.access_until
        )
        claimed = AlumniNotice.objects.filter(pk=notice.pk, sent_at__isnull=True).update(
            sent_at=timezone.now()
        )
        if not claimed:
            continue
        try:
            _send_notice(person, status)
        except Exception:
            AlumniNotice.objects.filter(pk=notice.pk).update(sent_at=None)
            raise
        audit_record(
            agency=person.agency,
            actor=None,
            action="alumni.notice_sent",
            target=person,
            data={"access_until": status.access_until.isoformat()},
        )
        sent += 1
    return sent
