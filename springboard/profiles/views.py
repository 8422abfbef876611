"""Pages of the competence profile: the candidate's own (overview, sections, skills, CV upload)
and the coach's review of a coached candidate's profile (keyed by the programme)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django import forms
from django.contrib import messages
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from springboard.lib.documents import MAX_UPLOAD_BYTES
from springboard.lib.errors import DomainError
from springboard.profiles import access, selectors, services
from springboard.profiles.forms import (
    AchievementForm,
    CareerEntryForm,
    CommentForm,
    CvUploadForm,
    EducationForm,
    LanguageForm,
    PreferencesForm,
    SkillEditForm,
    VersionedForm,
)
from springboard.profiles.models import (
    Achievement,
    CareerEntry,
    CvUpload,
    Education,
    LanguageSkill,
    Profile,
    ProfileSkill,
    Section,
    SuggestionState,
)
from springboard.profiles.services.profile import ProfileConflict
from springboard.programmes.models import Programme
from springboard.taxonomy.models import Skill
from springboard.taxonomy.selectors import (
    MIN_QUERY,
    clean_query,
    occupation_suggestions,
    reader_lang,
)
from springboard.tenancy.models import Membership


def _lang() -> str:
    return reader_lang(get_language() or "")


def _htmx(request: HttpRequest) -> bool:
    return bool(request.headers.get("HX-Request"))


@dataclass(frozen=True)
class SectionKind:
    model: type[models.Model]
    form: type[VersionedForm]
    add_title: Promise
    edit_title: Promise


SECTIONS: dict[str, SectionKind] = {
    Section.CAREER: SectionKind(
        CareerEntry, CareerEntryForm, gettext_lazy("Add a job"), gettext_lazy("Edit a job")
    ),
    Section.ACHIEVEMENTS: SectionKind(
        Achievement,
        AchievementForm,
        gettext_lazy("Add an achievement"),
        gettext_lazy("Edit an achievement"),
    ),
    Section.EDUCATION: SectionKind(
        Education,
        EducationForm,
        gettext_lazy("Add education or a certificate"),
        gettext_lazy("Edit education or a certificate"),
    ),
    Section.LANGUAGES: SectionKind(
        LanguageSkill, LanguageForm, gettext_lazy("Add a language"), gettext_lazy("Edit a language")
    ),
}


def _section(section: str) -> SectionKind:
    kind = SECTIONS.get(section)
    if kind is None:
        raise Http404
    return kind


def _profile_url(agency_slug: str, section: str = "") -> str:
    url = reverse("profiles:profile", kwargs={"agency_slug": agency_slug})
    return f"{url}#{section}" if section else url


def profile_context(profile: Profile) -> dict[str, Any]:
    """Everything the overview shows, for the candidate's page and the coach's review."""
    lang = _lang()
    skills = list(selectors.skills_of(profile))
    for row in skills:
        row.name = row.skill.name_in(lang)  # type: ignore[attr-defined]
    career = list(selectors.career_of(profile))
    for entry in career:
        entry.occupation_name = entry.occupation.name_in(lang) if entry.occupation else ""  # type: ignore[attr-defined]
    achievements = list(
        profile.achievements.select_related("career_entry").prefetch_related("skills__skill")
    )
    for item in achievements:
        item.skill_names = [row.skill.name_in(lang) for row in item.skills.all()]  # type: ignore[attr-defined]
    comments: dict[str, list[Any]] = {value: [] for value in Section.values}
    for comment in selectors.comments_of(profile):
        comments[comment.section].append(comment)
    return {
        "profile": profile,
        "career": career,
        "achievements": achievements,
        "education": list(profile.education.all()),
        "language_rows": list(profile.languages.all()),
        "skills": skills,
        "confirmed_count": sum(1 for row in skills if row.is_confirmed),
        "skills_minimum": services.SKILLS_MAPPED_MINIMUM,
        "comments": comments,
        "lang": lang,
    }


# --- the candidate's overview and sections -----------------------------------------------------


@require_GET
def profile(request: HttpRequest, agency_slug: str) -> HttpResponse:
    _viewer, own = access.own_profile(request)
    context = profile_context(own)
    context["uploads"] = list(selectors.uploads_of(own)[:3])
    return render(request, "profiles/profile.html", context)


@require_POST
def profile_complete(request: HttpRequest, agency_slug: str) -> HttpResponse:
    viewer, own = access.own_profile(request)
    try:
        services.profile_mark_complete(profile=own, actor=viewer)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your profile is marked complete. You can still change it."))
    return redirect(_profile_url(agency_slug))


def _conflict(form: forms.BaseForm, current_version: int) -> None:
    """Keep the editor's text; the next save replaces the newer version on purpose."""
    form.data = form.data.copy()  # type: ignore[attr-defined]
    form.data["version"] = str(current_version)  # type: ignore[index]
    form.add_error(None, str(ProfileConflict().message))


def _edit_page(
    request: HttpRequest, form: forms.BaseForm, *, title: Any, cancel: str, **extra: Any
) -> HttpResponse:
    context = {"form": form, "title": title, "cancel_url": cancel, **extra}
    return render(request, "profiles/edit.html", context)


@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest, agency_slug: str) -> HttpResponse:
    _viewer, own = access.own_profile(request)
    form = PreferencesForm(request.POST or None, instance=own)
    if request.method == "POST" and form.is_valid():
        values = form.values()
        try:
            services.preferences_update(
                profile=own,
                expected_version=form.cleaned_data.get("version") or 0,
                values=values,
            )
        except ProfileConflict:
            own.refresh_from_db()
            _conflict(form, own.version)
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _("Preferences saved."))
            return redirect(_profile_url(agency_slug, Section.PREFERENCES))
    return _edit_page(
        request,
        form,
        title=_("Your preferences"),
        cancel=_profile_url(agency_slug, Section.PREFERENCES),
        intake=own.prefilled_from,
    )


def _row_form(
    kind: SectionKind, request: HttpRequest, profile: Profile, row: models.Model | None
) -> VersionedForm:
    extra: dict[str, Any] = {}
    if kind.form is AchievementForm:
        extra["profile"] = profile
    return kind.form(request.POST or None, instance=row, **extra)


def _row_save(
    request: HttpRequest,
    agency_slug: str,
    section: str,
    profile: Profile,
    row: models.Model | None,
) -> HttpResponse:
    kind = _section(section)
    form = _row_form(kind, request, profile, row)
    if request.method == "POST" and form.is_valid():
        try:
            services.section_row_save(  # type: ignore[type-var]
                profile=profile,
                model=kind.model,
                row=row,
                expected_version=form.cleaned_data.get("version"),
                values=form.values(),
                skills=form.linked_skills() if isinstance(form, AchievementForm) else None,
            )
        except ProfileConflict:
            assert row is not None
            row.refresh_from_db()
            _conflict(form, row.version)  # type: ignore[attr-defined]
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Saved."))
            return redirect(_profile_url(agency_slug, section))
    extra: dict[str, Any] = {}
    if isinstance(form, CareerEntryForm):
        occupation = row.occupation if isinstance(row, CareerEntry) else None
        extra = {
            "with_occupation": True,
            "chosen_occupation": form.chosen_occupation(),
            "occupation": occupation,
            "occupation_id": str(occupation.public_id) if occupation else "",
            "occupation_name": occupation.name_in(_lang()) if occupation else "",
        }
    return _edit_page(
        request,
        form,
        title=kind.edit_title if row is not None else kind.add_title,
        cancel=_profile_url(agency_slug, section),
        **extra,
    )


@require_http_methods(["GET", "POST"])
def row_add(request: HttpRequest, agency_slug: str, section: str) -> HttpResponse:
    _section(section)
    _viewer, own = access.own_profile(request)
    return _row_save(request, agency_slug, section, own, None)


@require_http_methods(["GET", "POST"])
def row_edit(request: HttpRequest, agency_slug: str, section: str, row_id: UUID) -> HttpResponse:
    kind = _section(section)
    own, row = access.own_row(request, kind.model, row_id)
    return _row_save(request, agency_slug, section, own, row)


@require_POST
def row_delete(request: HttpRequest, agency_slug: str, section: str, row_id: UUID) -> HttpResponse:
    kind = _section(section)
    own, row = access.own_row(request, kind.model, row_id)
    services.section_row_delete(profile=own, row=row)
    messages.success(request, _("Deleted."))
    return redirect(_profile_url(agency_slug, section))


@require_GET
def occupation_suggest(request: HttpRequest, agency_slug: str) -> HttpResponse:
    """Occupations for the job form's ESCO field (htmx): a radio list inside that form."""
    access.own_profile(request)
    search = request.GET.get("occupation_q", "")
    context = {
        "suggestions": occupation_suggestions(search, _lang()),
        "long_enough": len(clean_query(search)) >= MIN_QUERY,
    }
    return render(request, "profiles/edit.html#occupation-suggestions", context)


# --- skills ------------------------------------------------------------------------------------


@require_GET
def skills(request: HttpRequest, agency_slug: str) -> HttpResponse:
    _viewer, own = access.own_profile(request)
    return render(request, "profiles/skills.html", profile_context(own))


@require_GET
def skill_suggest(request: HttpRequest, agency_slug: str) -> HttpResponse:
    _viewer, own = access.own_profile(request)
    search = request.GET.get("q", "")
    context = {
        "suggestions": selectors.skill_suggestions(search, _lang(), profile=own),
        "long_enough": len(clean_query(search)) >= MIN_QUERY,
        "search": search,
    }
    if _htmx(request):
        return render(request, "profiles/skills.html#skill-suggestions", context)
    # Without script the search form lands here: the whole page, with the suggestions.
    return render(request, "profiles/skills.html", {**profile_context(own), **context})


@require_POST
def skill_add(request: HttpRequest, agency_slug: str) -> HttpResponse:
    _viewer, own = access.own_profile(request)
    try:
        skill = Skill.objects.filter(public_id=UUID(request.POST.get("skill", ""))).first()
    except ValueError:
        skill = None
    if skill is None:
        messages.error(request, _("Choose a skill from the suggestions."))
        return redirect("profiles:skills", agency_slug=agency_slug)
    try:
        row = services.skill_add(profile=own, skill=skill)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("profiles:skills", agency_slug=agency_slug)
    messages.success(
        request,
        _("“%(skill)s” added. Say how well you master it.") % {"skill": skill.name_in(_lang())},
    )
    return redirect("profiles:skill_edit", agency_slug=agency_slug, skill_id=row.public_id)


@require_http_methods(["GET", "POST"])
def skill_edit(request: HttpRequest, agency_slug: str, skill_id: UUID) -> HttpResponse:
    own, row = access.own_row(request, ProfileSkill, skill_id)
    form = SkillEditForm(request.POST or None, instance=row, profile=own)
    if request.method == "POST" and form.is_valid():
        try:
            services.skill_update(
                row=row,
                expected_version=form.cleaned_data.get("version") or 0,
                proficiency=form.cleaned_data["proficiency"],
                evidence=form.cleaned_data["evidence"],
                career_entry=form.cleaned_data.get("career_entry"),
            )
        except ProfileConflict:
            row.refresh_from_db()
            _conflict(form, row.version)
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Saved."))
            return redirect("profiles:skills", agency_slug=agency_slug)
    return _edit_page(
        request,
        form,
        title=row.skill.name_in(_lang()),
        cancel=reverse("profiles:skills", kwargs={"agency_slug": agency_slug}),
    )


@require_POST
def skill_confirm(request: HttpRequest, agency_slug: str, skill_id: UUID) -> HttpResponse:
    viewer, _own = access.own_existing_profile(request)
    _profile, row = access.own_row(request, ProfileSkill, skill_id)
    confirmed = request.POST.get("confirmed", "1") != "0"
    services.skill_confirm(row=row, actor=viewer, confirmed=confirmed)
    return redirect("profiles:skills", agency_slug=agency_slug)


@require_POST
def skill_remove(request: HttpRequest, agency_slug: str, skill_id: UUID) -> HttpResponse:
    _own, row = access.own_row(request, ProfileSkill, skill_id)
    services.skill_remove(row=row)
    messages.success(request, _("Skill removed."))
    return redirect("profiles:skills", agency_slug=agency_slug)


@require_POST
def skills_mapped(request: HttpRequest, agency_slug: str) -> HttpResponse:
    viewer, own = access.own_profile(request)
    try:
        services.skills_mark_mapped(profile=own, actor=viewer)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Well done: your skills are mapped."))
    return redirect("profiles:skills", agency_slug=agency_slug)


# --- CV upload ---------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def cv_upload(request: HttpRequest, agency_slug: str) -> HttpResponse:
    _viewer, own = access.own_profile(request)
    form = CvUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["file"]
        try:
            # The size Django counted while receiving it, checked before a byte is read here.
            services.check_cv_size(uploaded.size or 0)
            upload = services.cv_upload_receive(
                profile=own, file_name=uploaded.name or "", content=uploaded.read()
            )
        except DomainError as error:
            form.add_error("file", error.message)
        else:
            return redirect(
                "profiles:cv_detail", agency_slug=agency_slug, upload_id=upload.public_id
            )
    context = {
        "form": form,
        "uploads": selectors.uploads_of(own),
        "max_mb": MAX_UPLOAD_BYTES // (1024 * 1024),
    }
    return render(request, "profiles/cv_upload.html", context)


def _upload_context(upload: CvUpload) -> dict[str, Any]:
    lang = _lang()
    suggestions = list(upload.suggestions.select_related("skill").order_by("kind", "pk"))
    return {
        "upload": upload,
        "open_skills": [
            (s, s.skill.name_in(lang) if s.skill else "")
            for s in suggestions
            if s.kind == "skill" and s.state == SuggestionState.OPEN
        ],
        "open_jobs": [
            s for s in suggestions if s.kind == "career" and s.state == SuggestionState.OPEN
        ],
        "decided": [
            (s, s.skill.name_in(lang) if s.skill else s.data.get("title", ""))
            for s in suggestions
            if s.state != SuggestionState.OPEN
        ],
    }


@require_GET
def cv_detail(request: HttpRequest, agency_slug: str, upload_id: UUID) -> HttpResponse:
    """An upload's progress (polled with htmx while it runs) and its suggestions."""
    _own, upload = access.own_upload(request, upload_id)
    context = _upload_context(upload)
    if _htmx(request):
        return render(request, "profiles/cv_detail.html#cv-state", context)
    return render(request, "profiles/cv_detail.html", context)


@require_POST
def cv_decide(
    request: HttpRequest, agency_slug: str, upload_id: UUID, suggestion_id: UUID
) -> HttpResponse:
    upload, suggestion = access.own_suggestion(request, upload_id, suggestion_id)
    viewer, _own = access.own_existing_profile(request)
    decision = request.POST.get("decision")
    if decision not in {"accept", "reject"}:
        messages.error(request, _("Choose to accept or reject the suggestion."))
    else:
        try:
            services.suggestion_decide(
                suggestion=suggestion, actor=viewer, accept=decision == "accept"
            )
        except DomainError as error:
            messages.error(request, error.message)
    if _htmx(request):
        upload.refresh_from_db()
        return render(request, "profiles/cv_detail.html#cv-state", _upload_context(upload))
    return redirect("profiles:cv_detail", agency_slug=agency_slug, upload_id=upload_id)


@require_POST
def cv_reparse(request: HttpRequest, agency_slug: str, upload_id: UUID) -> HttpResponse:
    _own, upload = access.own_upload(request, upload_id)
    services.cv_upload_reparse(upload=upload)
    return redirect("profiles:cv_detail", agency_slug=agency_slug, upload_id=upload_id)


@require_POST
def cv_delete(request: HttpRequest, agency_slug: str, upload_id: UUID) -> HttpResponse:
    _own, upload = access.own_upload(request, upload_id)
    services.cv_upload_delete(upload=upload)
    messages.success(request, _("Upload deleted. What you accepted from it stays in your profile."))
    return redirect("profiles:cv_upload", agency_slug=agency_slug)


# --- the coach's review --------------------------------------------------------------------------


def _coach_page(
    request: HttpRequest,
    viewer: Membership,
    programme: Programme,
    own: Profile,
    comment_form: CommentForm | None = None,
) -> HttpResponse:
    selectors.profile_read_audit(viewer=viewer, profile=own, part="overview")
    context = profile_context(own)
    context.update(
        {
            "programme": programme,
            "candidate": programme.candidate,
            "comment_form": comment_form or CommentForm(),
        }
    )
    return render(request, "profiles/coach_profile.html", context)


@require_GET
def coach_profile(request: HttpRequest, agency_slug: str, programme_id: UUID) -> HttpResponse:
    viewer, programme, own = access.coached_profile(request, programme_id)
    return _coach_page(request, viewer, programme, own)


@require_POST
def coach_comment(request: HttpRequest, agency_slug: str, programme_id: UUID) -> HttpResponse:
    viewer, programme, own = access.coached_profile(request, programme_id)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.comment_add(
                profile=own,
                author=viewer,
                section=form.cleaned_data["section"],
                text=form.cleaned_data["text"],
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Comment added; the candidate sees it on that section."))
            return redirect(
                reverse(
                    "profiles:coach_profile",
                    kwargs={"agency_slug": agency_slug, "programme_id": programme_id},
                )
                + f"#{form.cleaned_data['section']}"
            )
    return _coach_page(request, viewer, programme, own, comment_form=form)


@require_POST
def coach_skill_confirm(
    request: HttpRequest, agency_slug: str, programme_id: UUID, skill_id: UUID
) -> HttpResponse:
    viewer, _programme, own = access.coached_profile(request, programme_id)
    row = ProfileSkill.objects.filter(profile=own, public_id=skill_id).first()
    if row is None:
        raise Http404
    confirmed = request.POST.get("confirmed", "1") != "0"
    services.skill_confirm(row=row, actor=viewer, confirmed=confirmed)
    return redirect(
        reverse(
            "profiles:coach_profile",
            kwargs={"agency_slug": agency_slug, "programme_id": programme_id},
        )
        + "#skills"
    )
