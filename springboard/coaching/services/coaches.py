"""Coach profiles and availability, the engagement's coach-choice policy, a candidate choosing
from the shortlist, and requests to change coach (decided by an admin). Every assignment goes
through programmes.services.programme_assign_coaches, with caseload caps checked here first."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from springboard.coaching.models import (
    Availability,
    CoachChangeRequest,
    CoachChoicePolicy,
    CoachProfile,
    RequestStatus,
)
from springboard.coaching.photos import reencode_photo
from springboard.coaching.selectors import caseload_count, profile_of, shortlist_for
from springboard.employers.models import Engagement
from springboard.lib.errors import DomainError
from springboard.lib.stored_files import delete_on_commit, save_private
from springboard.privacy.services import audit_record
from springboard.programmes.models import Programme
from springboard.programmes.services import programme_assign_coaches
from springboard.tenancy.models import Membership
from springboard.tenancy.roles import Role


@transaction.atomic
def profile_save(
    *,
    coach: Membership,
    actor: Membership,
    fields: dict[str, Any],
    photo: UploadedFile | None = None,
    remove_photo: bool = False,
) -> CoachProfile:
    if coach.role != Role.COACH or actor.pk != coach.pk:
        raise DomainError(_("Coaches edit their own profile."))
    profile = profile_of(coach)
    for name in ("bio", "languages", "specialties", "sectors", "location", "capacity", "time_zone"):
        if name in fields:
            setattr(profile, name, fields[name])
    if photo is not None:
        delete_on_commit(profile.photo)  # the replaced one, once the new one is saved
        profile.photo = save_private("coaches", reencode_photo(photo), extension="jpg")
        profile.photo_updated_at = timezone.now()
    elif remove_photo:
        delete_on_commit(profile.photo)
        profile.photo = ""
        profile.photo_updated_at = None
    profile.full_clean(exclude=["coach", "photo"])
    profile.save()
    return profile


@transaction.atomic
def availability_set(
    *, coach: Membership, actor: Membership, windows: list[tuple[int, datetime.time, datetime.time]]
) -> list[Availability]:
    """Replace the coach's weekly windows (local time of their profile's zone)."""
    if coach.role != Role.COACH or actor.pk != coach.pk:
        raise DomainError(_("Coaches set their own availability."))
    for weekday, start, end in windows:
        if not 0 <= weekday <= 6 or end <= start:
            raise DomainError(_("Each time window must end after it starts."), field="windows")
    Availability.objects.filter(coach=coach).delete()
    return [
        Availability.objects.create(coach=coach, weekday=w, start_time=s, end_time=e)
        for w, s, e in windows
    ]


@transaction.atomic
def policy_set(
    *, engagement: Engagement, actor: Membership, candidates_choose: bool, shortlist_size: int
) -> CoachChoicePolicy:
    if engagement.agency_id != actor.agency_id or actor.role != Role.ADMIN:
        raise DomainError(_("Only the agency's admins set this."))
    if not 1 <= shortlist_size <= 20:
        raise DomainError(_("Show 1 to 20 coaches."), field="shortlist_size")
    policy, _created = CoachChoicePolicy.objects.update_or_create(
        engagement=engagement,
        defaults={"candidates_choose": candidates_choose, "shortlist_size": shortlist_size},
    )
    audit_record(
        agency=actor.agency,
        actor=actor.user,
        action="coaching.policy_set",
        target=engagement,
        data={"candidates_choose": candidates_choose, "shortlist_size": shortlist_size},
    )
    return policy


def _check_capacity(coach: Membership) -> None:
    # The coach's row is locked so two candidates cannot take their last place at once.
    Membership.objects.select_for_update().filter(pk=coach.pk).first()
    if caseload_count(coach) >= profile_of(coach).capacity:
        raise DomainError(_("This coach has no free places."), field="coach")


@transaction.atomic
def coach_choose(*, programme: Programme, actor: Membership, coach: Membership) -> Programme:
    """The candidate picks their first coach from the shortlist (only while they have none)."""
    if programme.candidate_id != actor.pk:
        raise DomainError(_("Only the candidate chooses their coach."))
    if programme.coaches.exists():
        raise DomainError(_("You already have a coach. Ask for a change instead."), field="coach")
    if coach.pk not in {card.coach.pk for card in shortlist_for(programme)}:
        raise DomainError(_("Choose a coach from the list."), field="coach")
    _check_capacity(coach)
    programme_assign_coaches(programme=programme, actor=actor, coaches=[coach])
    audit_record(
        agency=actor.agency,
        actor=actor.user,
        action="coaching.coach_choose",
        target=programme,
        data={"coach": str(coach.public_id)},
    )
    return programme


@transaction.atomic
def change_request_create(
    *, programme: Programme, actor: Membership, reason: str, wanted_coach: Membership | None
) -> CoachChangeRequest:
    if programme.candidate_id != actor.pk:
        raise DomainError(_("Only the candidate asks for another coach."))
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Give a reason."), field="reason")
    if wanted_coach is not None and (
        wanted_coach.agency_id != programme.agency_id or wanted_coach.role != Role.COACH
    ):
        raise DomainError(_("Choose a coach of this agency."), field="wanted_coach")
    if CoachChangeRequest.objects.filter(programme=programme, status=RequestStatus.OPEN).exists():
        raise DomainError(_("You already asked; the agency will decide soon."))
    change = CoachChangeRequest.objects.create(
        programme=programme, wanted_coach=wanted_coach, reason=reason[:2000]
    )
    audit_record(
        agency=actor.agency, actor=actor.user, action="coaching.change_request", target=change
    )
    return change


@transaction.atomic
def change_request_decide(
    *,
    change: CoachChangeRequest,
    actor: Membership,
    approve: bool,
    new_coach: Membership | None = None,
) -> CoachChangeRequest:
    """An admin approves (assigning the new coach in place of the current ones) or rejects."""
    if actor.role != Role.ADMIN or change.programme.agency_id != actor.agency_id:
        raise DomainError(_("Only the agency's admins decide this."))
    locked = CoachChangeRequest.objects.select_for_update().get(pk=change.pk)
    if locked.status != RequestStatus.OPEN:
        raise DomainError(_("This request was already decided."))
    if approve:
        coach = new_coach or locked.wanted_coach
        if coach is None:
            raise DomainError(_("Choose the new coach."), field="coach")
        if coach.role != Role.COACH or coach.agency_id != actor.agency_id:
            raise DomainError(_("Choose a coach of this agency."), field="coach")
        _check_capacity(coach)
        programme_assign_coaches(programme=change.programme, actor=actor, coaches=[coach])
    locked.status = RequestStatus.APPROVED if approve else RequestStatus.REJECTED
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    locked.save(update_fields=["status", "decided_by", "decided_at"])
    audit_record(
        agency=actor.agency,
        actor=actor.user,
        action="coaching.change_decide",
        target=locked,
        data={"approved": approve},
    )
    return locked
