"""Personal data held by the tenancy app: the person in an agency."""

from __future__ import annotations

from springboard.privacy.declarations import RetentionKind, personal_data
from springboard.tenancy.models import Membership

personal_data(
    Membership,
    subject="",
    export_as="account",
    retention=RetentionKind.ACCOUNT,
    # Employer reports and invoicing count programmes through the membership: it stays, nameless.
    on_erase="anonymise",
    anonymise={"full_name": "", "is_active": False},
)
