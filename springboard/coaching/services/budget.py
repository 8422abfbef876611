"""The personal budget: an append-only ledger per programme.

Every write locks the programme row first (`select_for_update`) and computes the balance under
that lock, so two spends racing for the same money never both pass; an entry that would take
the balance below zero needs an admin's explicit approval, recorded on the entry.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from springboard.coaching.models import BudgetCategory, BudgetEntry, RequestStatus, TrainingRequest
from springboard.coaching.selectors import balance_of
from springboard.lib.errors import DomainError
from springboard.privacy.services import audit_record
from springboard.programmes.models import Programme
from springboard.tenancy.models import Membership
from springboard.tenancy.roles import Role

MAX_AMOUNT = Decimal("99999999")
SPEND_CATEGORIES = (BudgetCategory.COACHING, BudgetCategory.WORKSHOP, BudgetCategory.TRAINING)


def _require_admin(programme: Programme, actor: Membership) -> None:
    if actor.role != Role.ADMIN or programme.agency_id != actor.agency_id:
        raise DomainError(_("Only the agency's admins change the budget."))


def _amount(value: Decimal) -> Decimal:
    if not value.is_finite() or value <= 0 or value > MAX_AMOUNT:
        raise DomainError(_("Enter an amount above zero."), field="amount")
    return value.quantize(Decimal("0.01"))


def _entry(
    programme: Programme,
    actor: Membership,
    category: str,
    amount: Decimal,
    description: str,
    *,
    allow_overdraft: bool = False,
) -> BudgetEntry:
    Programme.objects.select_for_update().filter(pk=programme.pk).first()
    if amount == 0:
        raise DomainError(_("Enter an amount above zero."), field="amount")
    balance = balance_of(programme)
    overdraft = balance + amount < 0
    if overdraft and not allow_overdraft:
        raise DomainError(
            _("Not enough budget left: %(balance)s remains.") % {"balance": balance},
            field="amount",
        )
    entry = BudgetEntry(
        programme=programme,
        category=category,
        amount=amount,
        description=(description.strip() or str(BudgetCategory(category).label))[:300],
        overdraft_approved_by=actor if overdraft else None,
        created_by=actor,
    )
    entry.save()
    audit_record(
        agency=actor.agency,
        actor=actor.user,
        action="coaching.budget_entry",
        target=entry,
        data={"category": category, "amount": str(amount), "overdraft": overdraft},
    )
    return entry


@transaction.atomic
def budget_grant(
    *, programme: Programme, actor: Membership, amount: Decimal | None = None, description: str = ""
) -> BudgetEntry:
    """Credit the programme: the engagement's budget per candidate unless an amount is given."""
    _require_admin(programme, actor)
    if amount is None:
        amount = programme.enrolment.engagement.budget_amount
    return _entry(programme, actor, BudgetCategory.GRANT, _amount(amount), description)


@transaction.atomic
def budget_spend(
    *,
    programme: Programme,
    actor: Membership,
    category: str,
    amount: Decimal,
    description: str,
    allow_overdraft: bool = False,
) -> BudgetEntry:
    _require_admin(programme, actor)
    if category not in SPEND_CATEGORIES:
        raise DomainError(_("Choose what the money is spent on."), field="category")
    return _entry(
        programme, actor, category, -_amount(amount), description, allow_overdraft=allow_overdraft
    )


def _corrected(entry: BudgetEntry) -> bool:
    return BudgetEntry.objects.filter(
        programme=entry.programme,
        category=BudgetCategory.CORRECTION,
        description__startswith=f"#{entry.public_id}",
    ).exists()


def _correction(
    entry: BudgetEntry, actor: Membership, description: str, *, allow_overdraft: bool = False
) -> BudgetEntry:
    """The entry's opposite, marked `#<entry id>` so that it is never corrected twice."""
    return _entry(
        entry.programme,
        actor,
        BudgetCategory.CORRECTION,
        -entry.amount,
        f"#{entry.public_id} {description.strip()}",
        allow_overdraft=allow_overdraft,
    )


@transaction.atomic
def budget_correct(
    *, entry: BudgetEntry, actor: Membership, description: str, allow_overdraft: bool = False
) -> BudgetEntry:
    """Undo an entry with its opposite: the ledger keeps both."""
    _require_admin(entry.programme, actor)
    budget_balance_locked(entry.programme)
    if _corrected(entry):
        raise DomainError(_("This entry was already corrected."))
    return _correction(entry, actor, description, allow_overdraft=allow_overdraft)


def budget_balance_locked(programme: Programme) -> Decimal:
    """The balance with the programme row locked, so a charge decided on it cannot race."""
    Programme.objects.select_for_update().filter(pk=programme.pk).first()
    return balance_of(programme)


def budget_charge(
    *, programme: Programme, actor: Membership, category: str, amount: Decimal, description: str
) -> BudgetEntry:
    """Spend on something the candidate or their coach booked (a workshop seat), never below
    zero: the caller has checked the balance under `budget_balance_locked` and refuses the booking
    with its own message; the agency approves more by granting budget. Runs inside the caller's
    transaction."""
    return _entry(programme, actor, category, -_amount(amount), description)


def budget_refund(*, entry: BudgetEntry, actor: Membership, description: str) -> BudgetEntry | None:
    """Give a charge back as a correction (the ledger keeps both), unless an admin already
    corrected it: then nothing is owed. Runs inside the caller's transaction."""
    budget_balance_locked(entry.programme)
    return None if _corrected(entry) else _correction(entry, actor, description)


@transaction.atomic
def training_request_create(
    *,
    programme: Programme,
    actor: Membership,
    title: str,
    provider: str,
    quote_amount: Decimal,
    quote_reference: str = "",
    motivation: str = "",
) -> TrainingRequest:
    if programme.candidate_id != actor.pk:
        raise DomainError(_("Only the candidate asks for training from their budget."))
    if not title.strip():
        raise DomainError(_("Name the course."), field="title")
    if not provider.strip():
        raise DomainError(_("Name who gives the course."), field="provider")
    request = TrainingRequest.objects.create(
        programme=programme,
        title=title.strip()[:200],
        provider=provider.strip()[:200],
        quote_amount=_amount(quote_amount),
        quote_reference=quote_reference.strip()[:300],
        motivation=motivation.strip()[:2000],
        requested_by=actor,
    )
    audit_record(
        agency=actor.agency, actor=actor.user, action="coaching.training_request", target=request
    )
    return request


@transaction.atomic
def training_decide(
    *,
    training: TrainingRequest,
    actor: Membership,
    approve: bool,
    note: str = "",
    allow_overdraft: bool = False,
) -> TrainingRequest:
    """Approve (the quoted price is spent from the budget) or reject an external course."""
    _require_admin(training.programme, actor)
    locked = TrainingRequest.objects.select_for_update().get(pk=training.pk)
    if locked.status != RequestStatus.OPEN:
        raise DomainError(_("This request was already decided."))
    if approve:
        locked.entry = _entry(
            training.programme,
            actor,
            BudgetCategory.TRAINING,
            -locked.quote_amount,
            f"{locked.title} ({locked.provider})",
            allow_overdraft=allow_overdraft,
        )
    locked.status = RequestStatus.APPROVED if approve else RequestStatus.REJECTED
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    locked.decision_note = note.strip()[:500]
    locked.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "entry"])
    audit_record(
        agency=actor.agency,
        actor=actor.user,
        action="coaching.training_decide",
        target=locked,
        data={"approved": approve},
    )
    return locked
