"""The demo world: one agency with every role, known passwords, for `make demo` only."""

from __future__ import annotations

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone

from springboard.accounts.models import User
from springboard.assessments.demo import assessments_demo
from springboard.coaching.demo import coaching_demo
from springboard.cvs.demo import cvs_demo
from springboard.jobs.demo import jobs_demo
from springboard.network.demo import network_demo
from springboard.outcomes.demo import outcomes_demo
from springboard.profiles.demo import profiles_demo
from springboard.programmes.demo import load_demo_programmes
from springboard.tenancy.models import Agency, Employer, Membership
from springboard.tenancy.roles import Role

DEMO_PASSWORD = "springboard-demo"  # noqa: S105 - printed on purpose; demo only
DEMO_AGENCY_SLUG = "nordlys"


@dataclass(frozen=True)
class DemoPerson:
    email: str
    full_name: str
    role: Role
    language: str


DEMO_PEOPLE = (
    DemoPerson("admin@nordlys.example", "Astrid Holm", Role.ADMIN, "da"),
    DemoPerson("coach.ingrid@nordlys.example", "Ingrid Berg", Role.COACH, "nb"),
    DemoPerson("coach.maarten@nordlys.example", "Maarten de Vries", Role.COACH, "nl"),
    DemoPerson("hr@havnegade.example", "Henrik Lund", Role.EMPLOYER_CONTACT, "da"),
    DemoPerson("mette.jensen@mail.example", "Mette Jensen", Role.CANDIDATE, "da"),
    DemoPerson("ole.hansen@mail.example", "Ole Hansen", Role.CANDIDATE, "nb"),
    DemoPerson("sanne.bakker@mail.example", "Sanne Bakker", Role.CANDIDATE, "nl"),
    DemoPerson("james.wright@mail.example", "James Wright", Role.CANDIDATE, "en"),
    DemoPerson("freja.nielsen@mail.example", "Freja Nielsen", Role.CANDIDATE, "da"),
)


@transaction.atomic
def load_demo_data() -> list[DemoPerson]:
    """Create (or bring back) the demo world; running it twice changes nothing."""
    agency, _ = Agency.objects.get_or_create(
        slug=DEMO_AGENCY_SLUG, defaults={"name": "Nordlys Outplacement (demo)"}
    )
    employer, _ = Employer.objects.get_or_create(agency=agency, name="Havnegade Logistik A/S")
    for person in DEMO_PEOPLE:
        user = User.objects.filter(email__iexact=person.email).first()
        if user is None:
            user = User.objects.create_user(
                person.email, DEMO_PASSWORD, full_name=person.full_name, language=person.language
            )
        EmailAddress.objects.update_or_create(
            user=user, email=person.email, defaults={"verified": True, "primary": True}
        )
        Membership.objects.update_or_create(
            agency=agency,
            user=user,
            defaults={
                "role": person.role,
                "employer": employer if person.role == Role.EMPLOYER_CONTACT else None,
                "is_active": True,
                "full_name": person.full_name,
                "language": person.language,
                "joined_at": timezone.now(),
            },
        )
    load_demo_programmes(agency, employer)
    candidates = list(
        Membership.objects.filter(agency=agency, role=Role.CANDIDATE, is_active=True)
        .select_related("user")
        .order_by("user__email")
    )
    coaches = list(
        Membership.objects.filter(agency=agency, role=Role.COACH, is_active=True)
        .select_related("user")
        .order_by("user__email")
    )
    profiles_demo(agency, candidates)
    assessments_demo(agency, candidates)
    cvs_demo(agency, candidates)
    network_demo(agency, candidates)
    coaching_demo(agency, coaches, candidates)
    jobs_demo(agency, candidates)
    outcomes_demo(agency)
    return list(DEMO_PEOPLE)
