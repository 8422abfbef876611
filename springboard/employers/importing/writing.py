"""Writing validated rows: a fixed number of bulk statements per file, whatever its size.

No password is hashed: imported people get an unusable password and set their own through the
single-use invitation link. The name and language from HR belong to this agency's membership:
the account itself is shared by every agency that enrols the address, so nothing here writes to
it after creating it. Accounts, memberships and invitations are written by the services of the
apps that own them, in bulk; enrolments here. New rows are inserted as plain tuples
(lib/bulk.py) because building 50,000 model instances would dominate the import's time.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import timezone

from springboard.accounts.models import User
from springboard.accounts.services import Invitee, accounts_ensure, candidate_invitations_ensure
from springboard.employers.importing.validation import CleanRow
from springboard.employers.models import Cohort, Engagement, Enrolment
from springboard.lib.bulk import ids_by, insert_rows, random_uuid_hexes
from springboard.tenancy.models import Membership
from springboard.tenancy.services import candidate_memberships_ensure, unjoined_names_refresh

BATCH = 1000
ENROLMENT_FIELDS = (
    "phone",
    "employee_number",
    "job_title",
    "department",
    "location",
    "notice_date",
    "last_working_day",
)


@dataclass
class WriteSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    invitations: list[str] = field(default_factory=list)  # public ids, for the e-mail tasks

    def as_dict(self) -> dict[str, int]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "invitations": len(self.invitations),
        }


def write_rows(
    *, engagement: Engagement, cohort: Cohort | None, rows: list[CleanRow], actor: User | None
) -> WriteSummary:
    """Create or update candidates for `rows`; call inside a transaction (all or nothing)."""
    agency = engagement.agency
    summary = WriteSummary()
    now = timezone.now()

    # Accounts and memberships are written by the apps that own them, in bulk.
    user_ids = accounts_ensure([(row.email, row.language) for row in rows])
    membership_ids = candidate_memberships_ensure(
        agency=agency,
        people=[(user_ids[row.email], row.full_name, row.language) for row in rows],
    )

    existing = {e.candidate_id: e for e in Enrolment.objects.filter(engagement=engagement)}
    to_create: list[CleanRow] = []
    to_update: list[Enrolment] = []
    updated_rows: list[CleanRow] = []
    for row in rows:
        enrolment = existing.get(membership_ids[user_ids[row.email]])
        if enrolment is None:
            to_create.append(row)
        elif enrolment.source_fingerprint == row.fingerprint:
            summary.unchanged += 1
        else:
            for key in ENROLMENT_FIELDS:
                setattr(enrolment, key, getattr(row, key))
            enrolment.cohort = cohort or enrolment.cohort
            enrolment.source_fingerprint = row.fingerprint
            enrolment.updated_at = now  # bulk_update skips auto_now
            to_update.append(enrolment)
            updated_rows.append(row)
    insert_rows(
        Enrolment,
        (
            "public_id",
            "agency",
            "engagement",
            "cohort",
            "candidate",
            *ENROLMENT_FIELDS,
            "source_fingerprint",
            "created_at",
            "updated_at",
        ),
        (
            (
                public_id,
                agency.pk,
                engagement.pk,
                cohort.pk if cohort else None,
                membership_ids[user_ids[row.email]],
                *(getattr(row, k) for k in ENROLMENT_FIELDS),
                row.fingerprint,
                now,
                now,
            )
            for public_id, row in zip(random_uuid_hexes(len(to_create)), to_create, strict=True)
        ),
    )
    Enrolment.objects.bulk_update(
        to_update,
        [*ENROLMENT_FIELDS, "cohort", "source_fingerprint", "updated_at"],
        batch_size=BATCH,
    )
    unjoined_names_refresh(
        agency=agency,
        people={row.email: (row.full_name, row.language) for row in updated_rows},
    )
    summary.created = len(to_create)
    summary.updated = len(to_update)
    # Everyone newly enrolled who has not accepted this agency's invitation needs one, whatever
    # they did with other agencies: the answer must not tell this agency that the address is
    # known elsewhere.
    not_joined = set(
        ids_by(
            Membership,
            "user_id",
            [user_ids[row.email] for row in to_create],
            agency=agency,
            joined_at=None,
        )
    )
    summary.invitations = candidate_invitations_ensure(
        agency=agency,
        invitees=[
            Invitee(row.email, row.full_name, row.language)
            for row in to_create
            if user_ids[row.email] in not_joined
        ],
        actor=actor,
    )
    return summary
