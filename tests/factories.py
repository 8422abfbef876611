"""Small factories for the two-agency world every test starts from.

Agency A and agency B have the same shape: an admin, two coaches, an employer with a contact
person, and two candidates. Staff have a TOTP authenticator, as production requires.
"""

from __future__ import annotations

import datetime
import itertools
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.utils import timezone

from springboard.accounts.models import User
from springboard.employers.models import Engagement, Enrolment
from springboard.programmes.models import Programme, ProgrammeTemplate, ProgrammeTemplateVersion
from springboard.tenancy.models import Agency, Employer, Membership
from springboard.tenancy.roles import STAFF_ROLES, Role

PASSWORD = "correct-horse-battery-staple"
_sequence = itertools.count(1)


def make_user(email: str | None = None, *, language: str = "en", mfa: bool = False) -> User:
    email = email or f"person{next(_sequence)}@example.test"
    user = User.objects.create_user(
        email, PASSWORD, full_name=email.split("@")[0].title(), language=language
    )
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    if mfa:
        TOTP.activate(user, generate_totp_secret())
    return user


def make_agency(slug: str | None = None) -> Agency:
    slug = slug or f"agency-{next(_sequence)}"
    return Agency.objects.create(slug=slug, name=f"Agency {slug.upper()}")


def make_employer(agency: Agency, name: str | None = None) -> Employer:
    return Employer.objects.create(agency=agency, name=name or f"Employer {next(_sequence)}")


def make_member(
    agency: Agency,
    role: Role,
    *,
    employer: Employer | None = None,
    user: User | None = None,
    mfa: bool | None = None,
) -> Membership:
    if user is None:
        user = make_user(mfa=role in STAFF_ROLES if mfa is None else mfa)
    if role == Role.EMPLOYER_CONTACT and employer is None:
        employer = make_employer(agency)
    return Membership.objects.create(
        agency=agency,
        user=user,
        role=role,
        employer=employer,
        full_name=user.full_name,
        language=user.language,
        joined_at=timezone.now() if user.has_usable_password() else None,
    )


@dataclass
class AgencyWorld:
    agency: Agency
    admin: Membership
    coach: Membership
    coach2: Membership
    employer: Employer
    contact: Membership
    candidate: Membership
    candidate2: Membership


@dataclass
class World:
    a: AgencyWorld
    b: AgencyWorld


def make_agency_world(slug: str) -> AgencyWorld:
    agency = make_agency(slug)
    employer = make_employer(agency, f"{slug.upper()} Industries")
    return AgencyWorld(
        agency=agency,
        admin=make_member(agency, Role.ADMIN),
        coach=make_member(agency, Role.COACH),
        coach2=make_member(agency, Role.COACH),
        employer=employer,
        contact=make_member(agency, Role.EMPLOYER_CONTACT, employer=employer),
        candidate=make_member(agency, Role.CANDIDATE),
        candidate2=make_member(agency, Role.CANDIDATE),
    )


def make_world() -> World:
    return World(a=make_agency_world("alpha"), b=make_agency_world("beta"))


def make_programme(
    side: AgencyWorld,
    *,
    candidate: Membership | None = None,
    coaches: list[Membership] | None = None,
    template_key: str = "foundation-opportunities-action",
    start_date: datetime.date | None = None,
) -> Programme:
    """A programme (with its engagement and enrolment) of `side.candidate`, coached by
    `side.coach` unless told otherwise; the shipped templates are loaded when missing."""
    from springboard.programmes.content import load_shipped_templates
    from springboard.programmes.services import programme_create

    load_shipped_templates(ProgrammeTemplate, ProgrammeTemplateVersion)
    candidate = candidate or side.candidate
    engagement, _created = Engagement.objects.get_or_create(
        agency=side.agency,
        employer=side.employer,
        name="Programme engagement",
        defaults={"start_date": datetime.date(2026, 1, 5)},
    )
    coaches = [side.coach] if coaches is None else coaches
    existing = Programme.objects.filter(
        enrolment__engagement=engagement, candidate=candidate
    ).first()
    if (
        existing is not None
        and existing.template_version.template.key == template_key
        and {c.pk for c in existing.coaches.all()} == {c.pk for c in coaches}
    ):
        # Asked again for the same programme (the page walks build URL arguments per role): the
        # engagement holds one enrolment per person, so the first one is the answer.
        return existing
    enrolment = Enrolment.objects.create(
        agency=side.agency, engagement=engagement, candidate=candidate
    )
    version = (
        ProgrammeTemplateVersion.objects.filter(template__agency=None, template__key=template_key)
        .order_by("-number")
        .first()
    )
    assert version is not None
    return programme_create(
        enrolment=enrolment,
        actor=side.admin,
        template_version=version,
        coaches=coaches,
        start_date=start_date or timezone.localdate(),
    )


def current_totp_code(user: User) -> str:
    """The code the person's authenticator app would show now (for logging in in tests)."""
    import time

    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
    from allauth.mfa.utils import decrypt

    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    secret = decrypt(authenticator.data["secret"])
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))
