"""The workshop and module catalogue, dates with seats and a waiting list, attendance and
materials.

Sign-up and cancellation lock the date row (`select_for_update`) and count seats under that
lock, so concurrent sign-ups for the last seat give it to exactly one person and put the others
on the waiting list; a freed seat goes to the longest-waiting person in the same transaction.

A seat with a price is paid from the programme's personal budget when it is booked (at sign-up or
on promotion) and given back as a correction when it is cancelled. The budget never goes below
zero for a seat: a sign-up the balance cannot pay is refused, and a waiting person whose balance
can no longer pay is passed over on promotion (they keep their place on the list).
"""

from __future__ import annotations

import datetime
import mimetypes
from decimal import Decimal

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from springboard.coaching.models import (
    LANGUAGE_CODES,
    BudgetCategory,
    SeatStatus,
    Workshop,
    WorkshopDate,
    WorkshopMaterial,
    WorkshopSeat,
)
from springboard.coaching.selectors import balance_of
from springboard.coaching.services.budget import (
    budget_balance_locked,
    budget_charge,
    budget_refund,
)
from springboard.lib.errors import DomainError
from springboard.privacy.services import audit_record
from springboard.programmes.models import RUNNING_STATUSES, Programme
from springboard.programmes.services import plan_tasks_complete_for_tool
from springboard.tenancy.models import Membership
from springboard.tenancy.roles import Role

MAX_MATERIAL_BYTES = 20 * 1024 * 1024
MATERIAL_TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".txt": "text/plain",
}
# What each type's first bytes must be: the extension alone is never trusted.
MAGIC = {".pdf": b"%PDF-", ".docx": b"PK\x03\x04", ".pptx": b"PK\x03\x04"}


def _texts(values: dict[str, str], field: str, *, required: bool) -> dict[str, str]:
    cleaned = {code: (values.get(code) or "").strip() for code in LANGUAGE_CODES}
    if required and not cleaned.get("en"):
        raise DomainError(_("Enter at least the English text."), field=field)
    return cleaned


@transaction.atomic
def workshop_create(
    *,
    actor: Membership,
    key: str,
    title: dict[str, str],
    description: dict[str, str],
    format: str,
    duration_minutes: int,
    price_per_seat: Decimal,
) -> Workshop:
    if actor.role != Role.ADMIN:
        raise DomainError(_("Only the agency's admins edit the catalogue."))
    if Workshop.objects.filter(agency_id=actor.agency_id, key=key).exists():
        raise DomainError(_("The catalogue already has an entry with this key."), field="key")
    workshop = Workshop(
        agency_id=actor.agency_id,
        key=key,
        title=_texts(title, "title", required=True),
        description=_texts(description, "description", required=False),
        format=format,
        duration_minutes=duration_minutes,
        price_per_seat=price_per_seat,
    )
    workshop.full_clean()
    workshop.save()
    audit_record(
        agency=actor.agency, actor=actor.user, action="coaching.workshop_create", target=workshop
    )
    return workshop


@transaction.atomic
def workshop_date_add(
    *,
    workshop: Workshop,
    actor: Membership,
    starts_at: datetime.datetime,
    capacity: int,
    place: str = "",
) -> WorkshopDate:
    if actor.role != Role.ADMIN or workshop.agency_id != actor.agency_id:
        raise DomainError(_("Only the agency's admins plan dates."))
    date = WorkshopDate(workshop=workshop, starts_at=starts_at, capacity=capacity, place=place)
    date.full_clean()
    date.save()
    return date


def _may_enrol(programme: Programme, actor: Membership) -> bool:
    if actor.role == Role.CANDIDATE:
        return programme.candidate_id == actor.pk
    if actor.role == Role.COACH:
        return programme.coaches.filter(pk=actor.pk).exists()
    return False


def _affordable(date: WorkshopDate, programme: Programme) -> bool:
    """The programme's budget can pay a seat on `date` (locks the programme row)."""
    price = date.workshop.price_per_seat
    return price <= 0 or budget_balance_locked(programme) >= price


def _pay(seat: WorkshopSeat) -> None:
    """Charge a booked seat's price to its programme's budget (the balance was checked), in the
    name of whoever signed up: on promotion that is not the person whose cancellation freed it."""
    workshop = seat.date.workshop
    if workshop.price_per_seat <= 0:
        return
    seat.budget_entry = budget_charge(
        programme=seat.programme,
        actor=seat.enrolled_by or seat.programme.candidate,
        category=BudgetCategory.WORKSHOP,
        amount=workshop.price_per_seat,
        description=f"{workshop.localized_title} ({seat.date.starts_at:%Y-%m-%d})",
    )
    seat.save(update_fields=["budget_entry", "updated_at"])


@transaction.atomic
def workshop_signup(*, date: WorkshopDate, programme: Programme, actor: Membership) -> WorkshopSeat:
    """A seat when one is free, else a place on the waiting list; a priced seat is paid from the
    personal budget, and a sign-up the budget cannot pay is refused."""
    if not _may_enrol(programme, actor):
        raise DomainError(_("Only the candidate or their coach can sign up."))
    if programme.status not in RUNNING_STATUSES or programme.agency_id != date.workshop.agency_id:
        raise DomainError(_("This programme is not running."))
    locked = WorkshopDate.objects.select_for_update().get(pk=date.pk)
    if (
        WorkshopSeat.objects.filter(date=locked, programme=programme)
        .exclude(status=SeatStatus.CANCELLED)
        .exists()
    ):
        raise DomainError(_("Already signed up for this date."))
    if not _affordable(locked, programme):
        raise DomainError(
            _(
                "A seat costs %(price)s and the personal budget has %(balance)s left. "
                "Ask the agency to approve more budget first."
            )
            % {"price": locked.workshop.price_per_seat, "balance": balance_of(programme)}
        )
    booked = WorkshopSeat.objects.filter(date=locked, status=SeatStatus.BOOKED).count()
    seat = WorkshopSeat.objects.create(
        date=locked,
        programme=programme,
        status=SeatStatus.BOOKED if booked < locked.capacity else SeatStatus.WAITLISTED,
        enrolled_by=actor,
    )
    if seat.status == SeatStatus.BOOKED:
        _pay(seat)
    audit_record(
        agency=actor.agency,
        actor=actor.user,
        action="coaching.workshop_signup",
        target=seat,
        data={"status": seat.status},
    )
    plan_tasks_complete_for_tool(candidate=programme.candidate, tool="workshops", actor=actor)
    return seat


def _promote(date: WorkshopDate) -> WorkshopSeat | None:
    """Fill free seats from the waiting list, first come first served (the date is locked),
    passing over those whose budget can no longer pay."""
    free = date.capacity - WorkshopSeat.objects.filter(date=date, status=SeatStatus.BOOKED).count()
    promoted = None
    waiting = WorkshopSeat.objects.filter(date=date, status=SeatStatus.WAITLISTED).order_by(
        "created_at", "pk"
    )
    for seat in waiting.select_related("programme__candidate", "date__workshop", "enrolled_by"):
        if free <= 0:
            break
        if not _affordable(date, seat.programme):
            continue
        seat.status = SeatStatus.BOOKED
        seat.save(update_fields=["status", "updated_at"])
        _pay(seat)
        free -= 1
        promoted = promoted or seat
    return promoted


@transaction.atomic
def seat_cancel(*, seat: WorkshopSeat, actor: Membership) -> WorkshopSeat | None:
    """Give a seat (or waiting place) back; returns the seat promoted in its place, if any."""
    if not _may_enrol(seat.programme, actor) and actor.role != Role.ADMIN:
        raise DomainError(_("Only the candidate, their coach or an admin can cancel this."))
    date = WorkshopDate.objects.select_for_update().get(pk=seat.date_id)
    locked = WorkshopSeat.objects.get(pk=seat.pk)
    if locked.status == SeatStatus.CANCELLED:
        raise DomainError(_("This place was already given back."))
    if locked.budget_entry is not None:
        budget_refund(entry=locked.budget_entry, actor=actor, description=_("Seat given back"))
    locked.status = SeatStatus.CANCELLED
    locked.save(update_fields=["status", "updated_at"])
    audit_record(
        agency=actor.agency, actor=actor.user, action="coaching.workshop_cancel", target=locked
    )
    return _promote(date)


@transaction.atomic
def seat_attendance(*, seat: WorkshopSeat, actor: Membership, attended: bool) -> WorkshopSeat:
    if actor.role not in (Role.ADMIN, Role.COACH):
        raise DomainError(_("Only the agency records attendance."))
    if seat.status != SeatStatus.BOOKED:
        raise DomainError(_("Only a booked seat has attendance."))
    seat.attended = attended
    seat.save(update_fields=["attended", "updated_at"])
    return seat


def _material_type(upload: UploadedFile) -> tuple[str, str]:
    name = (upload.name or "").rsplit("/", 1)[-1]
    extension = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    if extension not in MATERIAL_TYPES:
        raise DomainError(_("Upload a PDF, Word, PowerPoint or text file."), field="file")
    if upload.size is None or upload.size > MAX_MATERIAL_BYTES:
        raise DomainError(_("A file may be at most 20 MB."), field="file")
    head = upload.read(8)
    upload.seek(0)
    magic = MAGIC.get(extension)
    if magic is not None and not head.startswith(magic):
        raise DomainError(_("The file's contents do not match its type."), field="file")
    return extension, MATERIAL_TYPES[extension] or mimetypes.types_map.get(extension, "")


@transaction.atomic
def material_add(
    *, workshop: Workshop, actor: Membership, name: str, upload: UploadedFile
) -> WorkshopMaterial:
    if actor.role != Role.ADMIN or workshop.agency_id != actor.agency_id:
        raise DomainError(_("Only the agency's admins add materials."))
    extension, content_type = _material_type(upload)
    material = WorkshopMaterial(
        workshop=workshop,
        name=(name.strip() or _("Material"))[:200],
        content_type=content_type,
        size=upload.size or 0,
    )
    # Stored under a random name: the uploaded file name is never used on disk.
    material.file.save(f"{material.public_id.hex}{extension}", upload, save=False)
    material.save()
    audit_record(
        agency=actor.agency, actor=actor.user, action="coaching.material_add", target=material
    )
    return material
