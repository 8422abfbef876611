"""Pages of the coaching app: sessions and the calendar feed, notes, coaches and the choice of
coach, workshops and modules, and the personal budget. Views are thin: access.py turns ids into
objects (404 out of scope, 403 without the capability), services write, selectors read."""

from __future__ import annotations

import datetime
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from springboard.coaching import access, ical, selectors, services
from springboard.coaching.forms import (
    AttendanceForm,
    AvailabilityForm,
    BookForm,
    BudgetEntryForm,
    ChangeRequestForm,
    DecideForm,
    MaterialForm,
    NoteForm,
    PolicyForm,
    ProfileForm,
    ProposeForm,
    RatingForm,
    ReasonForm,
    RescheduleForm,
    SignupForm,
    TrainingRequestForm,
    WorkshopDateForm,
    WorkshopForm,
    slot_choices,
)
from springboard.coaching.models import Session, SessionStatus
from springboard.coaching.slots import local_to_utc
from springboard.employers import access as employer_access
from springboard.lib.errors import DomainError
from springboard.lib.pagination import paginate, query_without_page
from springboard.lib.stored_files import open_stored
from springboard.programmes import access as programme_access
from springboard.programmes.models import Programme
from springboard.tenancy.access import current_membership, require
from springboard.tenancy.middleware import tenant_public
from springboard.tenancy.models import Membership
from springboard.tenancy.roles import Cap, Role

CANDIDATE_OR_COACH = (Cap.OWN_CANDIDATE_WORK, Cap.REVIEW_CANDIDATE_WORK)
PROGRAMME_PEOPLE = (Cap.OWN_CANDIDATE_WORK, Cap.REVIEW_CANDIDATE_WORK, Cap.MANAGE_PROGRAMMES)


def _programme(request: HttpRequest, public_id: UUID, *need: Cap) -> Programme:
    programme = programme_access.get_programme(request, public_id, need=Cap.VIEW_PROGRAMME)
    access.require_any(request, *need)
    return programme


def _local_start(form: Any, coach: Membership, field: str = "day") -> datetime.datetime | None:
    """The UTC instant of the form's local date and time in the coach's zone (None: the time does
    not exist that day, in the spring-forward gap, and the form has the error)."""
    zone = selectors.profile_of(coach).zone
    instant = local_to_utc(form.cleaned_data[field], form.cleaned_data["time"], zone)
    if instant is None:
        form.add_error("time", _("That time does not exist on that day (clocks go forward)."))
    return instant


def _fail(request: HttpRequest, error: DomainError) -> None:
    messages.error(request, error.message)


# --- sessions ---------------------------------------------------------------------------------


@require_GET
def sessions(request: HttpRequest, agency_slug: str) -> HttpResponse:
    """Upcoming and past sessions in the viewer's scope; the tool of "coaching-sessions" tasks."""
    viewer = access.require_any(request, *PROGRAMME_PEOPLE)
    past = request.GET.get("show") == "past"
    page = paginate(request, selectors.sessions_list(viewer, upcoming=not past))
    selectors.audit_staff_read(viewer, None, "sessions")
    programme = selectors.candidate_programme(viewer) if viewer.role == Role.CANDIDATE else None
    return render(
        request,
        "coaching/sessions.html",
        {
            "page": page,
            "past": past,
            "query": query_without_page(request),
            "programme": programme,
            "coached": (
                viewer.coached_programmes.select_related("candidate").order_by(
                    "candidate__full_name"
                )
                if viewer.role == Role.COACH
                else []
            ),
        },
    )


@require_http_methods(["GET", "POST"])
def session_book(request: HttpRequest, agency_slug: str, programme_id: UUID) -> HttpResponse:
    """The candidate books a free slot of a coach; a coach proposes any time."""
    programme = _programme(request, programme_id, *CANDIDATE_OR_COACH)
    viewer = current_membership(request)
    coaches = list(programme.coaches.select_related("user").order_by("full_name"))
    form: BookForm | ProposeForm
    if viewer.role == Role.CANDIDATE:
        coach = next((c for c in coaches if str(c.public_id) == request.GET.get("coach")), None)
        coach = coach or (coaches[0] if coaches else None)
        slots = selectors.bookable_slots(programme, coach) if coach else []
        zone = selectors.profile_of(coach).zone if coach else timezone.get_default_timezone()
        form = BookForm(request.POST or None, slots=slot_choices(slots, zone))
    else:
        coach = viewer
        zone = selectors.profile_of(viewer).zone
        form = ProposeForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and coach is not None:
        starts_at = form.starts_at() if isinstance(form, BookForm) else _local_start(form, coach)
        if starts_at is not None:
            try:
                session = services.session_book(
                    programme=programme,
                    actor=viewer,
                    coach=coach,
                    starts_at=starts_at,
                    mode=form.cleaned_data["mode"],
                    duration_minutes=form.cleaned_data.get("duration_minutes") or 60,
                    place=form.cleaned_data.get("place", ""),
                    video_link=form.cleaned_data.get("video_link", ""),
                    phone=form.cleaned_data.get("phone", ""),
                )
            except DomainError as error:
                form.add_error(error.field, error.message)
            else:
                messages.success(
                    request,
                    _("Session booked.")
                    if session.status == SessionStatus.BOOKED
                    else _("Session proposed; the candidate will confirm it."),
                )
                return redirect(
                    "coaching:session_detail", agency_slug=agency_slug, public_id=session.public_id
                )
    return render(
        request,
        "coaching/session_book.html",
        {"programme": programme, "form": form, "coaches": coaches, "coach": coach, "zone": zone},
    )


def _session_context(request: HttpRequest, session: Session) -> dict[str, Any]:
    viewer = current_membership(request)
    programme = session.programme
    selectors.audit_staff_read(viewer, session, "session")
    may_read = selectors.may_read_notes(programme, viewer)
    if may_read:
        selectors.audit_staff_read(viewer, session, "notes")
    return {
        "session": session,
        "zone": selectors.profile_of(session.coach).zone,
        "notes": selectors.notes_for(programme, viewer).filter(session=session) if may_read else [],
        "may_read_notes": may_read,
        "is_candidate": programme.candidate_id == viewer.pk,
        "is_coach": viewer.role == Role.COACH,
        "note_form": NoteForm(),
        "reschedule_form": RescheduleForm(),
        "cancel_form": ReasonForm(),
        "rating_form": RatingForm(),
        "attendance_form": AttendanceForm(),
        "rating": getattr(session, "rating", None),
        "now": timezone.now(),
    }


@require_http_methods(["GET", "POST"])
def session_detail(request: HttpRequest, agency_slug: str, public_id: UUID) -> HttpResponse:
    """A session; its coach adds notes here (POST)."""
    session = access.get_session(request, public_id, *PROGRAMME_PEOPLE)
    if request.method == "POST":
        # Refused before anything is read (and audited).
        access.require_any(request, Cap.REVIEW_CANDIDATE_WORK)
    context = _session_context(request, session)
    if request.method == "POST":
        viewer = current_membership(request)
        form = NoteForm(request.POST)
        if form.is_valid():
            try:
                services.note_add(
                    programme=session.programme,
                    actor=viewer,
                    session=session,
                    text=form.cleaned_data["text"],
                    shared=form.cleaned_data["shared"],
                    action_item=form.cleaned_data["action_item"],
                )
            except DomainError as error:
                form.add_error(error.field, error.message)
            else:
                messages.success(request, _("Note saved."))
                return redirect(request.path)
        context["note_form"] = form
    return render(request, "coaching/session_detail.html", context)


def _back(agency_slug: str, session: Session) -> HttpResponse:
    return redirect("coaching:session_detail", agency_slug=agency_slug, public_id=session.public_id)


@require_POST
def session_confirm(request: HttpRequest, agency_slug: str, public_id: UUID) -> HttpResponse:
    session = access.get_session(request, public_id, Cap.OWN_CANDIDATE_WORK)
    try:
        services.session_confirm(session=session, actor=current_membership(request))
    except DomainError as error:
        _fail(request, error)
    else:
        messages.success(request, _("Session confirmed."))
    return _back(agency_slug, session)


@require_POST
def session_reschedule(request: HttpRequest, agency_slug: str, public_id: UUID) -> HttpResponse:
    session = access.get_session(request, public_id, *CANDIDATE_OR_COACH)
    form = RescheduleForm(request.POST)
    if form.is_valid():
        starts_at = _local_start(form, session.coach)
        if starts_at is not None:
            try:
                services.session_reschedule(
                    session=session,
                    actor=current_membership(request),
                    starts_at=starts_at,
                    reason=form.cleaned_data["reason"],
                )
            except DomainError as error:
                form.add_error(error.field, error.message)
            else:
                messages.success(request, _("Session moved."))
                return _back(agency_slug, session)
    context = _session_context(request, session)
    context["reschedule_form"] = form
    return render(request, "coaching/session_detail.html", context)


@require_POST
def session_cancel(request: HttpRequest, agency_slug: str, public_id: UUID) -> HttpResponse:
    session = access.get_session(request, public_id, *CANDIDATE_OR_COACH)
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            services.session_cancel(
                session=session,
                actor=current_membership(request),
                reason=form.cleaned_data["reason"],
            )
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _("Session cancelled."))
            return _back(agency_slug, session)
    context = _session_context(request, session)
    context["cancel_form"] = form
    return render(request, "coaching/session_detail.html", context)


@require_POST
def session_attendance(request: HttpRequest, agency_slug: str, public_id: UUID) -> HttpResponse:
    session = access.get_session(request, public_id, Cap.REVIEW_CANDIDATE_WORK)
    form = AttendanceForm(request.POST)
    if form.is_valid():
        try:
            services.session_attendance(
                session=session,
                actor=current_membership(request),
                attended=form.cleaned_data["attended"],
            )
        except DomainError as error:
            _fail(request, error)
        else:
            messages.success(request, _("Attendance saved."))
    else:
        messages.error(request, _("Choose whether the candidate attended."))
    return _back(agency_slug, session)


@require_POST
def session_rate(request: HttpRequest, agency_slug: str, public_id: UUID) -> HttpResponse:
    session = access.get_session(request, public_id, Cap.OWN_CANDIDATE_WORK)
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            services.session_rate(
                session=session,
                actor=current_membership(request),
                score=form.cleaned_data["score"],
                comment=form.cleaned_data["comment"],
            )
        except DomainError as error:
            _fail(request, error)
        else:
            messages.success(request, _("Thank you for your rating."))
    else:
        messages.error(request, _("Choose 1 to 5 stars."))
    return _back(agency_slug, session)


def _event(request: HttpRequest, session: Session) -> ical.Event:
    candidate = session.programme.candidate
    where = {
        "in_person": session.place,
        "video": session.video_link,
        "phone": session.phone,
    }.get(session.mode, "")
    path = reverse(
        "coaching:session_detail",
        kwargs={"agency_slug": session.agency.slug, "public_id": session.public_id},
    )
    return ical.Event(
        uid=f"{session.public_id}@springboard",
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        summary=_("Coaching: %(candidate)s with %(coach)s")
        % {"candidate": candidate.display_name, "coach": session.coach.display_name},
        description=session.get_mode_display(),
        location=where,
        url=request.build_absolute_uri(path),
        sequence=session.sequence,
        cancelled=session.status == SessionStatus.CANCELLED,
    )


def _ics(body: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
def session_ics(request: HttpRequest, agency_slug: str, public_id: UUID) -> HttpResponse:
    session = access.get_session(request, public_id, *PROGRAMME_PEOPLE)
    session.agency = current_membership(request).agency
    selectors.audit_staff_read(current_membership(request), session, "session")
    body = ical.calendar([_event(request, session)], name=_("Coaching session"), now=timezone.now())
    return _ics(body, f"session-{session.public_id}.ics")


# --- the calendar feed ------------------------------------------------------------------------


@require_GET
def calendar(request: HttpRequest, agency_slug: str) -> HttpResponse:
    viewer = access.require_any(request, *CANDIDATE_OR_COACH)
    token = request.session.pop("coaching_feed_token", None)
    feed_url = (
        request.build_absolute_uri(
            reverse("coaching:feed", kwargs={"agency_slug": agency_slug, "token": token})
        )
        if token
        else None
    )
    has_feed = selectors.has_calendar_feed(viewer)
    return render(request, "coaching/calendar.html", {"feed_url": feed_url, "has_feed": has_feed})


@require_POST
def calendar_regenerate(request: HttpRequest, agency_slug: str) -> HttpResponse:
    viewer = access.require_any(request, *CANDIDATE_OR_COACH)
    # Shown once on the next page, never stored: only its hash is kept.
    request.session["coaching_feed_token"] = services.feed_regenerate(member=viewer)
    messages.success(request, _("Your new calendar address is ready. The old one no longer works."))
    return redirect("coaching:calendar", agency_slug=agency_slug)


@require_POST
def calendar_revoke(request: HttpRequest, agency_slug: str) -> HttpResponse:
    viewer = access.require_any(request, *CANDIDATE_OR_COACH)
    services.feed_revoke(member=viewer)
    messages.success(request, _("Your calendar address no longer works."))
    return redirect("coaching:calendar", agency_slug=agency_slug)


@login_not_required
@tenant_public
@require_GET
def feed(request: HttpRequest, agency_slug: str, token: str) -> HttpResponse:
    """The secret feed calendar apps fetch without a session: only the token's owner's sessions
    in this agency; an unknown or revoked token is a 404."""
    agency = request.agency  # type: ignore[attr-defined]
    member = selectors.feed_member(agency=agency, token=token)
    if member is None:
        raise Http404
    member.agency = agency
    events = []
    for session in selectors.sessions_of_member(member).filter(
        starts_at__gte=timezone.now() - datetime.timedelta(days=90)
    ):
        session.agency = agency
        events.append(_event(request, session))
    body = ical.calendar(events, name=_("Springboard coaching"), now=timezone.now())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    return response


# --- notes ------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def notes(request: HttpRequest, agency_slug: str, programme_id: UUID) -> HttpResponse:
    """The programme's notes: its coaches read and write all, the candidate reads the shared."""
    programme = _programme(request, programme_id, *CANDIDATE_OR_COACH)
    viewer = current_membership(request)
    if not selectors.may_read_notes(programme, viewer):
        raise PermissionDenied
    form = NoteForm(request.POST or None)
    if request.method == "POST":
        if viewer.role != Role.COACH:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.note_add(
                    programme=programme,
                    actor=viewer,
                    text=form.cleaned_data["text"],
                    shared=form.cleaned_data["shared"],
                    action_item=form.cleaned_data["action_item"],
                )
            except DomainError as error:
                form.add_error(error.field, error.message)
            else:
                messages.success(request, _("Note saved."))
                return redirect(request.path)
    selectors.audit_staff_read(viewer, programme, "notes")
    page = paginate(request, selectors.notes_for(programme, viewer))
    return render(
        request,
        "coaching/notes.html",
        {"programme": programme, "page": page, "form": form, "is_coach": viewer.role == Role.COACH},
    )


# --- coaches ----------------------------------------------------------------------------------


@require_GET
def coaches(request: HttpRequest, agency_slug: str) -> HttpResponse:
    """Candidates: their coaches, the shortlist to choose from, a change request. Admins and
    coaches: the agency's coaches with caseloads; admins also the open change requests."""
    viewer = access.require_any(request, *PROGRAMME_PEOPLE)
    context: dict[str, Any] = {}
    if viewer.role == Role.CANDIDATE:
        programme = selectors.candidate_programme(viewer)
        if programme is not None:
            programme = programme_access.get_programme(
                request, programme.public_id, need=Cap.VIEW_PROGRAMME
            )
        context.update(
            programme=programme,
            my_coaches=list(programme.coaches.select_related("user")) if programme else [],
            shortlist=selectors.shortlist_for(programme) if programme else [],
            open_change=selectors.open_change_request(programme) if programme else None,
        )
    else:
        context["cards"] = selectors.coach_cards(viewer.agency)
        if viewer.role == Role.ADMIN:
            context["changes"] = selectors.change_requests_of(viewer.agency).filter(status="open")
            context["decide_form"] = DecideForm()
            context["ratings"] = selectors.rating_summary(viewer.agency)
    return render(request, "coaching/coaches.html", context)


@require_POST
def coach_choose(request: HttpRequest, agency_slug: str, coach_id: UUID) -> HttpResponse:
    coach = access.get_coach(request, coach_id, Cap.OWN_CANDIDATE_WORK)
    viewer = current_membership(request)
    programme = selectors.candidate_programme(viewer)
    if programme is None:
        messages.error(request, _("You have no programme yet."))
        return redirect("coaching:coaches", agency_slug=agency_slug)
    programme = programme_access.get_programme(
        request, programme.public_id, need=Cap.VIEW_PROGRAMME
    )
    try:
        services.coach_choose(programme=programme, actor=viewer, coach=coach)
    except DomainError as error:
        _fail(request, error)
    else:
        messages.success(request, _("%(name)s is now your coach.") % {"name": coach.display_name})
    return redirect("coaching:coaches", agency_slug=agency_slug)


@require_GET
def coach_photo(request: HttpRequest, agency_slug: str, coach_id: UUID) -> HttpResponseBase:
    coach = access.get_coach(request, coach_id, *PROGRAMME_PEOPLE)
    photo = selectors.profile_of(coach).photo
    if not photo:
        raise Http404
    try:
        # Streamed from the storage after the access check: never a storage address.
        response = FileResponse(open_stored(photo), content_type="image/jpeg")
    except FileNotFoundError:
        raise Http404 from None
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest, agency_slug: str) -> HttpResponse:
    """A coach's own profile (shown to candidates choosing) and weekly availability."""
    viewer = require(request, Cap.REVIEW_CANDIDATE_WORK)
    current = selectors.profile_of(viewer)
    form = ProfileForm(
        request.POST or None,
        request.FILES or None,
        initial={
            "bio": current.bio,
            "languages": current.language_list,
            "specialties": current.specialties,
            "sectors": current.sectors,
            "location": current.location,
            "capacity": current.capacity,
            "time_zone": current.time_zone,
        },
    )
    windows = selectors.availability_of(viewer)
    availability_form = AvailabilityForm(
        initial={
            key: value
            for row, w in enumerate(windows[: AvailabilityForm.ROWS])
            for key, value in (
                (f"day_{row}", w.weekday),
                (f"start_{row}", w.start_time),
                (f"end_{row}", w.end_time),
            )
        }
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.profile_save(
                coach=viewer,
                actor=viewer,
                fields=form.profile_fields(),
                photo=form.cleaned_data.get("photo"),
                remove_photo=form.cleaned_data["remove_photo"],
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Profile saved."))
            return redirect("coaching:profile", agency_slug=agency_slug)
    return render(
        request,
        "coaching/profile.html",
        {"form": form, "availability_form": availability_form, "profile": current},
    )


@require_POST
def availability(request: HttpRequest, agency_slug: str) -> HttpResponse:
    viewer = require(request, Cap.REVIEW_CANDIDATE_WORK)
    form = AvailabilityForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Check the times."))
        return redirect("coaching:profile", agency_slug=agency_slug)
    try:
        services.availability_set(coach=viewer, actor=viewer, windows=form.windows())
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except DomainError as error:
        _fail(request, error)
    else:
        messages.success(request, _("Availability saved."))
    return redirect("coaching:profile", agency_slug=agency_slug)


@require_http_methods(["GET", "POST"])
def change_request(request: HttpRequest, agency_slug: str) -> HttpResponse:
    viewer = require(request, Cap.OWN_CANDIDATE_WORK)
    programme = selectors.candidate_programme(viewer)
    if programme is None:
        raise Http404
    programme = programme_access.get_programme(
        request, programme.public_id, need=Cap.VIEW_PROGRAMME
    )
    cards = selectors.coach_cards(viewer.agency)
    form = ChangeRequestForm(
        request.POST or None,
        coaches=[(str(c.coach.public_id), c.coach.display_name) for c in cards if c.free > 0],
    )
    if request.method == "POST" and form.is_valid():
        wanted = next(
            (c.coach for c in cards if str(c.coach.public_id) == form.cleaned_data["wanted_coach"]),
            None,
        )
        try:
            services.change_request_create(
                programme=programme,
                actor=viewer,
                reason=form.cleaned_data["reason"],
                wanted_coach=wanted,
            )
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _("Your request was sent to the agency."))
            return redirect("coaching:coaches", agency_slug=agency_slug)
    return render(request, "coaching/change_request.html", {"form": form, "programme": programme})


@require_POST
def change_decide(request: HttpRequest, agency_slug: str, public_id: UUID) -> HttpResponse:
    change = access.get_change_request(request, public_id, Cap.MANAGE_PROGRAMMES)
    viewer = current_membership(request)
    form = DecideForm(request.POST)
    if form.is_valid():
        new_coach = None
        if form.cleaned_data["coach"]:
            new_coach = Membership.objects.filter(
                agency=viewer.agency, role=Role.COACH, public_id=form.cleaned_data["coach"]
            ).first()
        try:
            services.change_request_decide(
                change=change,
                actor=viewer,
                approve=form.cleaned_data["decision"] == "approve",
                new_coach=new_coach,
            )
        except DomainError as error:
            _fail(request, error)
        else:
            messages.success(request, _("Decision saved."))
    else:
        messages.error(request, _("Choose approve or reject."))
    return redirect("coaching:coaches", agency_slug=agency_slug)


@require_http_methods(["GET", "POST"])
def policy(request: HttpRequest, agency_slug: str, engagement_id: UUID) -> HttpResponse:
    engagement = employer_access.get_engagement(request, engagement_id, need=Cap.MANAGE_PROGRAMMES)
    viewer = current_membership(request)
    current = engagement.coach_choice_policy if hasattr(engagement, "coach_choice_policy") else None
    form = PolicyForm(
        request.POST or None,
        initial={
            "candidates_choose": current.candidates_choose if current else False,
            "shortlist_size": current.shortlist_size if current else 5,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.policy_set(
                engagement=engagement,
                actor=viewer,
                candidates_choose=form.cleaned_data["candidates_choose"],
                shortlist_size=form.cleaned_data["shortlist_size"],
            )
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _("Saved."))
            return redirect(request.path)
    return render(request, "coaching/policy.html", {"engagement": engagement, "form": form})


# --- workshops and modules --------------------------------------------------------------------


@require_GET
def workshops(request: HttpRequest, agency_slug: str) -> HttpResponse:
    """The agency's catalogue; the tool of "workshops" tasks."""
    viewer = access.require_any(request, *PROGRAMME_PEOPLE)
    page = paginate(request, selectors.workshops_of(viewer.agency))
    programme = selectors.candidate_programme(viewer) if viewer.role == Role.CANDIDATE else None
    return render(
        request,
        "coaching/workshops.html",
        {
            "page": page,
            "query": query_without_page(request),
            "seats": selectors.seats_for_programme(programme) if programme else [],
        },
    )


@require_http_methods(["GET", "POST"])
def workshop_add(request: HttpRequest, agency_slug: str) -> HttpResponse:
    viewer = require(request, Cap.MANAGE_PROGRAMMES)
    form = WorkshopForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            workshop = services.workshop_create(
                actor=viewer,
                key=form.cleaned_data["key"],
                title=form.texts("title"),
                description=form.texts("description"),
                format=form.cleaned_data["format"],
                duration_minutes=form.cleaned_data["duration_minutes"],
                price_per_seat=form.cleaned_data["price_per_seat"],
            )
        except DomainError as error:
            form.add_error(error.field, error.message)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Added to the catalogue."))
            return redirect(
                "coaching:workshop_detail", agency_slug=agency_slug, public_id=workshop.public_id
            )
    return render(request, "coaching/workshop_add.html", {"form": form})


@require_GET
def workshop_detail(request: HttpRequest, agency_slug: str, public_id: UUID) -> HttpResponse:
    workshop = access.get_workshop(request, public_id, *PROGRAMME_PEOPLE)
    viewer = current_membership(request)
    programme = selectors.candidate_programme(viewer) if viewer.role == Role.CANDIDATE else None
    dates = selectors.dates_of(workshop)
    mine = (
        {seat.date_id: seat for seat in selectors.seats_for_programme(programme)}
        if programme
        else {}
    )
    staff = viewer.role in (Role.ADMIN, Role.COACH)
    seat_lists = (
        {date.pk: list(selectors.seats_of(date).exclude(status="cancelled")) for date in dates}
        if staff
        else {}
    )
    for date in dates:
        date.my_seat = mine.get(date.pk)  # type: ignore[attr-defined]
        date.seat_list = seat_lists.get(date.pk, [])  # type: ignore[attr-defined]
    coached = (
        list(viewer.coached_programmes.select_related("candidate").order_by("candidate__full_name"))
        if viewer.role == Role.COACH
        else []
    )
    may_download = staff or any(seat.status == "booked" for seat in mine.values())
    return render(
        request,
        "coaching/workshop_detail.html",
        {
            "workshop": workshop,
            "dates": dates,
            "materials": workshop.materials.all() if may_download else [],
            "date_form": WorkshopDateForm(),
            "material_form": MaterialForm(),
            "is_admin": viewer.role == Role.ADMIN,
            "is_staff": staff,
            "coached": coached,
            "programme": programme,
            "now": timezone.now(),
        },
    )


@require_POST
def workshop_date_add(request: HttpRequest, agency_slug: str, public_id: UUID) -> HttpResponse:
    workshop = access.get_workshop(request, public_id, Cap.MANAGE_PROGRAMMES)
    form = WorkshopDateForm(request.POST)
    if form.is_valid():
        zone = timezone.get_default_timezone()
        starts_at = local_to_utc(form.cleaned_data["day"], form.cleaned_data["time"], zone)
        if starts_at is None:
            messages.error(request, _("That time does not exist on that day (clocks go forward)."))
        else:
            try:
                services.workshop_date_add(
                    workshop=workshop,
                    actor=current_membership(request),
                    starts_at=starts_at,
                    capacity=form.cleaned_data["capacity"],
                    place=form.cleaned_data["place"],
                )
            except (DomainError, ValidationError):
                messages.error(request, _("Check the date and the number of seats."))
            else:
                messages.success(request, _("Date added."))
    else:
        messages.error(request, _("Check the date and the number of seats."))
    return redirect("coaching:workshop_detail", agency_slug=agency_slug, public_id=public_id)


@require_POST
def workshop_signup(request: HttpRequest, agency_slug: str, date_id: UUID) -> HttpResponse:
    """The candidate signs up (a seat or the waiting list); a coach signs up a candidate."""
    date = access.get_workshop_date(request, date_id, *CANDIDATE_OR_COACH)
    viewer = current_membership(request)
    back = redirect(
        "coaching:workshop_detail", agency_slug=agency_slug, public_id=date.workshop.public_id
    )
    form = SignupForm(request.POST)
    programme: Programme | None = None
    if viewer.role == Role.CANDIDATE:
        programme = selectors.candidate_programme(viewer)
    elif form.is_valid() and form.cleaned_data["programme"]:
        programme = programme_access.get_programme(
            request, form.cleaned_data["programme"], need=Cap.VIEW_PROGRAMME
        )
    if programme is None:
        messages.error(request, _("Choose the candidate to sign up."))
        return back
    try:
        seat = services.workshop_signup(date=date, programme=programme, actor=viewer)
    except DomainError as error:
        _fail(request, error)
    else:
        messages.success(
            request,
            _("Signed up.")
            if seat.status == "booked"
            else _("The date is full: on the waiting list."),
        )
    return back


@require_POST
def seat_cancel(request: HttpRequest, agency_slug: str, public_id: UUID) -> HttpResponse:
    seat = access.get_seat(request, public_id, *PROGRAMME_PEOPLE)
    try:
        services.seat_cancel(seat=seat, actor=current_membership(request))
    except DomainError as error:
        _fail(request, error)
    else:
        messages.success(request, _("Place given back."))
    return redirect(
        "coaching:workshop_detail", agency_slug=agency_slug, public_id=seat.date.workshop.public_id
    )


@require_POST
def seat_attendance(request: HttpRequest, agency_slug: str, public_id: UUID) -> HttpResponse:
    seat = access.get_seat(request, public_id, Cap.REVIEW_CANDIDATE_WORK, Cap.MANAGE_PROGRAMMES)
    form = AttendanceForm(request.POST)
    if form.is_valid():
        try:
            services.seat_attendance(
                seat=seat, actor=current_membership(request), attended=form.cleaned_data["attended"]
            )
        except DomainError as error:
            _fail(request, error)
        else:
            messages.success(request, _("Attendance saved."))
    else:
        messages.error(request, _("Choose whether the candidate attended."))
    return redirect(
        "coaching:workshop_detail", agency_slug=agency_slug, public_id=seat.date.workshop.public_id
    )


@require_POST
def material_add(request: HttpRequest, agency_slug: str, public_id: UUID) -> HttpResponse:
    workshop = access.get_workshop(request, public_id, Cap.MANAGE_PROGRAMMES)
    form = MaterialForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.material_add(
                workshop=workshop,
                actor=current_membership(request),
                name=form.cleaned_data["name"],
                upload=form.cleaned_data["file"],
            )
        except DomainError as error:
            _fail(request, error)
        else:
            messages.success(request, _("Material added."))
    else:
        messages.error(request, _("Name the material and choose a file."))
    return redirect("coaching:workshop_detail", agency_slug=agency_slug, public_id=public_id)


@require_GET
def material_download(
    request: HttpRequest, agency_slug: str, public_id: UUID, extension: str
) -> HttpResponse:
    """The file, under a name of our making; the extension in the address is the stored one."""
    material = access.get_material(request, public_id, *PROGRAMME_PEOPLE)
    if material.extension != extension:
        raise Http404
    try:
        with material.file.open("rb") as handle:
            # At most 20 MB (services.workshops): read whole, served like every other response.
            content = handle.read()
    except FileNotFoundError as error:
        raise Http404 from error
    response = HttpResponse(content, content_type=material.content_type)
    filename = f"{material.workshop.key}-{material.pk}.{material.extension}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- the personal budget ----------------------------------------------------------------------


@require_GET
def budget(request: HttpRequest, agency_slug: str, programme_id: UUID) -> HttpResponse:
    programme = _programme(request, programme_id, *PROGRAMME_PEOPLE)
    viewer = current_membership(request)
    selectors.audit_staff_read(viewer, programme, "budget")
    page = paginate(request, selectors.ledger_of(programme))
    return render(
        request,
        "coaching/budget.html",
        {
            "programme": programme,
            "page": page,
            "query": query_without_page(request),
            "balance": selectors.balance_of(programme),
            "currency": programme.enrolment.engagement.budget_currency,
            "trainings": selectors.training_requests_of(programme),
            "is_admin": viewer.role == Role.ADMIN,
            "is_candidate": programme.candidate_id == viewer.pk,
            "entry_form": BudgetEntryForm(),
            "decide_form": DecideForm(),
        },
    )


@require_POST
def budget_entry(request: HttpRequest, agency_slug: str, programme_id: UUID) -> HttpResponse:
    programme = _programme(request, programme_id, Cap.MANAGE_PROGRAMMES)
    viewer = current_membership(request)
    form = BudgetEntryForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if data["category"] == "grant":
                services.budget_grant(
                    programme=programme,
                    actor=viewer,
                    amount=data["amount"],
                    description=data["description"],
                )
            elif data["amount"] is None:
                raise DomainError(_("Enter an amount above zero."), field="amount")
            else:
                services.budget_spend(
                    programme=programme,
                    actor=viewer,
                    category=data["category"],
                    amount=data["amount"],
                    description=data["description"],
                    allow_overdraft=data["allow_overdraft"],
                )
        except DomainError as error:
            _fail(request, error)
        else:
            messages.success(request, _("Entry added to the ledger."))
    else:
        messages.error(request, _("Check the kind and the amount."))
    return redirect("coaching:budget", agency_slug=agency_slug, programme_id=programme_id)


@require_http_methods(["GET", "POST"])
def training_request(request: HttpRequest, agency_slug: str, programme_id: UUID) -> HttpResponse:
    programme = _programme(request, programme_id, Cap.OWN_CANDIDATE_WORK)
    form = TrainingRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.training_request_create(
                programme=programme, actor=current_membership(request), **form.cleaned_data
            )
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _("Your request was sent to the agency."))
            return redirect("coaching:budget", agency_slug=agency_slug, programme_id=programme_id)
    return render(
        request,
        "coaching/training_request.html",
        {
            "programme": programme,
            "form": form,
            "balance": selectors.balance_of(programme),
            "currency": programme.enrolment.engagement.budget_currency,
        },
    )


@require_POST
def training_decide(request: HttpRequest, agency_slug: str, public_id: UUID) -> HttpResponse:
    training = access.get_training_request(request, public_id, Cap.MANAGE_PROGRAMMES)
    form = DecideForm(request.POST)
    if form.is_valid():
        try:
            services.training_decide(
                training=training,
                actor=current_membership(request),
                approve=form.cleaned_data["decision"] == "approve",
                note=form.cleaned_data["note"],
                allow_overdraft=form.cleaned_data["allow_overdraft"],
            )
        except DomainError as error:
            _fail(request, error)
        else:
            messages.success(request, _("Decision saved."))
    else:
        messages.error(request, _("Choose approve or reject."))
    return redirect(
        "coaching:budget", agency_slug=agency_slug, programme_id=training.programme.public_id
    )


@require_GET
def requests_overview(request: HttpRequest, agency_slug: str) -> HttpResponse:
    """The admin's queue: open training requests and coach-change requests."""
    viewer = require(request, Cap.MANAGE_PROGRAMMES)
    return render(
        request,
        "coaching/requests.html",
        {
            "trainings": selectors.open_training_requests(viewer.agency),
            "changes": selectors.change_requests_of(viewer.agency).filter(status="open"),
            "ratings": selectors.rating_summary(viewer.agency),
        },
    )


@require_GET
def employer_spend(request: HttpRequest, agency_slug: str) -> HttpResponse:
    """An employer contact's view of the personal budgets: spend per engagement, withheld for
    groups under five people."""
    viewer = require(request, Cap.VIEW_EMPLOYER_AGGREGATES)
    return render(
        request, "coaching/employer_spend.html", {"rows": selectors.employer_spend(viewer)}
    )
