"""Job digest e-mails, in the candidate's language; each claimed digest goes out at most once.

Delivery of a claim (`services.searches` takes the claims and queues `tasks.send_job_digest`),
so it imports no service: marking the claim sent is part of sending it.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from springboard.jobs.models import DigestFrequency, DigestSent
from springboard.jobs.selectors import digest_vacancies
from springboard.jobs.tokens import unsubscribe_token


def send_digest_email(*, digest_id: int) -> bool:
    """Send one claimed digest; False when it was sent already, the search was switched off or
    deleted, the candidate left the agency, or nothing is left to list (a vacancy removed)."""
    digest = (
        DigestSent.objects.select_related("search__owner__user", "search__owner__agency")
        .filter(pk=digest_id, sent_at__isnull=True)
        .first()
    )
    if digest is None:
        return False
    search = digest.search
    member = search.owner
    if search.digest == DigestFrequency.OFF or not member.is_active:
        return False
    vacancies = digest_vacancies(search, since=digest.since, until=digest.until)
    if not vacancies:
        return False
    # Marked before the e-mail leaves: a retry or a second worker never sends it twice.
    if not DigestSent.objects.filter(pk=digest.pk, sent_at__isnull=True).update(
        sent_at=timezone.now()
    ):
        return False
    agency = member.agency
    filters = urlencode({k: v for k, v in (("q", search.query), ("place", search.place)) if v})
    path = reverse("jobs:for_you", kwargs={"agency_slug": agency.slug})
    unsubscribe = reverse(
        "jobs:search_unsubscribe",
        kwargs={
            "agency_slug": agency.slug,
            "token": unsubscribe_token(search_id=search.public_id, agency_slug=agency.slug),
        },
    )
    with translation.override(member.language):
        context = {
            "name": member.display_name,
            "agency": agency,
            "search": search,
            "vacancies": vacancies,
            "url": f"{settings.SITE_URL}{path}{'?' + filters if filters else ''}",
            "unsubscribe_url": f"{settings.SITE_URL}{unsubscribe}",
        }
        subject = render_to_string("jobs/email/digest_subject.txt", context).strip()
        body = render_to_string("jobs/email/digest_body.txt", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=body,
        to=[member.user.email],
        headers={
            "List-Unsubscribe": f"<{context['unsubscribe_url']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.send()
    return True
