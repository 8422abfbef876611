"""Target companies: the candidate's list of companies to approach."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from springboard.jobs.models import TargetCompany
from springboard.lib.errors import DomainError
from springboard.tenancy.models import Membership


def target_company_add(
    *, owner: Membership, name: str, sector: str = "", size: str = "", notes: str = ""
) -> TargetCompany:
    name = " ".join(name.split())
    if not name:
        raise DomainError(_("Enter the company's name."), field="name")
    try:
        with transaction.atomic():
            return TargetCompany.objects.create(
                owner=owner, name=name[:300], sector=sector, size=size, notes=notes
            )
    except IntegrityError:
        raise DomainError(_("This company is already on your list."), field="name") from None


def target_company_remove(*, target: TargetCompany) -> None:
    target.delete()
