"""Pages of CVs and letters.

The candidate builds CVs from the profile, edits them into versions, previews and downloads
them, writes letters, imports and exports JSON Resume and works through the LinkedIn checklist.
A coach reads the CVs and letters of the candidates they coach (every read audited) and comments
on a version.
"""

from __future__ import annotations

import json
from typing import IO, Any
from uuid import UUID

from django.contrib import messages
from django.db.models import QuerySet
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    QueryDict,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from springboard.cvs import access, rendering, selectors, services
from springboard.cvs.content import HEADINGS, ContentError, empty_content, render_model
from springboard.cvs.forms import (
    CommentForm,
    CvCreateForm,
    CvSettingsForm,
    JsonResumeUploadForm,
    LetterForm,
    LinkedInImportForm,
    editor_content,
    editor_move,
)
from springboard.cvs.guidance import (
    LINKEDIN_LANGUAGE_ADVICE,
    conventions_for,
    linkedin_checklist,
)
from springboard.cvs.models import Cv, CvVersion, Letter, LetterVersion, Rendering
from springboard.cvs.services.json_resume import (
    JsonResumeError,
    cv_import_json_resume,
    from_content,
)
from springboard.cvs.services.linkedin import (
    MAX_ZIP_BYTES,
    linkedin_decide,
    linkedin_import,
    linkedin_task_add,
)
from springboard.lib.errors import DomainError
from springboard.lib.stored_files import open_stored
from springboard.profiles.selectors import profile_of
from springboard.tenancy.access import current_membership, require
from springboard.tenancy.models import Membership
from springboard.tenancy.roles import Cap

MAX_JSON_UPLOAD = 1024 * 1024
FORMATS = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def _attachment(content: bytes, content_type: str, file_name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, file_name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _cv_url(cv: Cv, name: str = "cvs:detail") -> str:
    return reverse(name, kwargs={"agency_slug": cv.agency.slug, "cv_id": cv.public_id})


def _letter_url(letter: Letter, name: str = "cvs:letter_detail") -> str:
    return reverse(name, kwargs={"agency_slug": letter.agency.slug, "letter_id": letter.public_id})


# --- the candidate's list --------------------------------------------------------------------


@require_GET
def cv_list(request: HttpRequest, agency_slug: str) -> HttpResponse:
    viewer = require(request, Cap.OWN_CANDIDATE_WORK)
    return render(
        request,
        "cvs/list.html",
        {
            "cvs": selectors.cvs_of(viewer),
            "letters": selectors.letters_of(viewer),
            "has_profile": profile_of(viewer) is not None,
        },
    )


@require_GET
def coach_list(request: HttpRequest, agency_slug: str, programme_id: UUID) -> HttpResponse:
    programme, candidate = access.coached_candidate(request, programme_id)
    viewer = current_membership(request)
    selectors.staff_read_audit(
        viewer=viewer, candidate_id=candidate.pk, action="cv.list", target=candidate
    )
    return render(
        request,
        "cvs/coach_list.html",
        {
            "programme": programme,
            "candidate": candidate,
            "cvs": selectors.cvs_of(candidate),
            "letters": selectors.letters_of(candidate),
        },
    )


# --- CVs -------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def cv_create(request: HttpRequest, agency_slug: str) -> HttpResponse:
    viewer = require(request, Cap.OWN_CANDIDATE_WORK)
    # Skill names are listed in the CV's language once one is chosen.
    picks = services.profile_picks(viewer, request.POST.get("language", "") or viewer.language)
    choices = [(pick.key, pick.label) for pick in picks.picks]
    form = CvCreateForm(
        request.POST or None,
        picks=choices,
        initial={"language": viewer.language, "title": _("My CV")},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        content = services.content_from_profile(
            viewer,
            language=data["language"],
            picked=set(data["picks"]),
            headline=data["target_role"],
        )
        try:
            cv = services.cv_create(
                candidate=viewer,
                saved_by=viewer,
                title=data["title"],
                language=data["language"],
                design=data["design"],
                target_role=data["target_role"],
                content=content,
            )
        except (DomainError, ContentError) as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Your CV is made. Reorder and rewrite it for the role."))
            return redirect(_cv_url(cv, "cvs:edit"))
    return render(
        request,
        "cvs/create.html",
        {"form": form, "picks_by_section": picks.by_section(), "has_picks": bool(choices)},
    )


def _version_of[Version: (CvVersion, LetterVersion)](
    versions: QuerySet[Version], raw: str | None
) -> Version:
    """Version number `raw` (`?v=`), else the latest."""
    chosen = versions.filter(number=int(raw)).first() if raw and raw.isdigit() else None
    chosen = chosen or versions.order_by("-number").first()
    if chosen is None:
        raise Http404
    return chosen


@require_GET
def cv_detail(request: HttpRequest, agency_slug: str, cv_id: UUID) -> HttpResponse:
    cv = access.get_cv(request, cv_id, need=access.READ)
    viewer = current_membership(request)
    version = _version_of(cv.versions.all(), request.GET.get("v"))
    selectors.staff_read_audit(
        viewer=viewer,
        candidate_id=cv.candidate_id,
        action="cv.read",
        target=cv,
        version=version.number,
    )
    is_coach = viewer.pk != cv.candidate_id
    return render(
        request,
        "cvs/detail.html",
        {
            "cv": cv,
            "version": version,
            "versions": cv.versions.only("number", "created_at", "public_id"),
            "model": render_model(version.content, cv.language),
            "comments": version.comments.select_related("author"),
            "comment_form": CommentForm() if is_coach else None,
            "is_coach": is_coach,
        },
    )


def _editor_context(
    cv: Cv, content: dict[str, Any], base_number: int, form: CvSettingsForm
) -> dict[str, Any]:
    kinds = {section["kind"] for section in content["sections"]}
    sections = list(content["sections"]) + [
        section for section in empty_content()["sections"] if section["kind"] not in kinds
    ]
    return {
        "cv": cv,
        "form": form,
        "basics": content["basics"],
        "sections": [
            {
                "kind": section["kind"],
                "heading": HEADINGS[section["kind"]],
                # One blank row at the end for a new entry.
                "items": [
                    {**item, "highlights_text": "\n".join(item.get("highlights", []))}
                    for item in [*section["items"], {}]
                ],
            }
            for section in sections
        ],
        "base_number": base_number,
        "conventions": conventions_for(cv.language),
    }


@require_http_methods(["GET", "POST"])
def cv_edit(request: HttpRequest, agency_slug: str, cv_id: UUID) -> HttpResponse:
    cv = access.get_cv(request, cv_id, need=Cap.OWN_CANDIDATE_WORK)
    viewer = current_membership(request)
    if request.method == "GET":
        latest = _version_of(cv.versions.all(), None)
        context = _editor_context(cv, latest.content, latest.number, CvSettingsForm(instance=cv))
        return render(request, "cvs/edit.html", context)
    data: QueryDict = request.POST
    if data.get("move"):
        data = editor_move(data)
    form = CvSettingsForm(data, instance=Cv.objects.get(pk=cv.pk))
    raw = editor_content(data)
    try:
        base_number = int(data.get("base_number", ""))
    except ValueError:
        base_number = -1
    if data.get("move"):
        return render(request, "cvs/edit.html", _editor_context(cv, raw, base_number, form))
    error_text = ""
    if form.is_valid():
        try:
            with_settings = form.save(commit=False)
            version = services.cv_version_save(
                cv=cv, saved_by=viewer, base_number=base_number, content=raw
            )
        except ContentError as error:
            error_text = error.message
        except services.VersionConflict as conflict:
            # Both texts stay: theirs as a preview, ours in the editor over their version.
            current = conflict.current
            assert isinstance(current, CvVersion)
            context = _editor_context(cv, raw, current.number, form)
            context["conflict"] = render_model(current.content, cv.language)
            context["conflict_number"] = current.number
            return render(request, "cvs/edit.html", context, status=409)
        else:
            services.cv_settings_update(
                cv=cv,
                title=with_settings.title,
                language=with_settings.language,
                design=with_settings.design,
                target_role=with_settings.target_role,
            )
            messages.success(
                request, _("Saved as version %(number)s.") % {"number": version.number}
            )
            return redirect(_cv_url(cv))
    context = _editor_context(cv, raw, base_number, form)
    context["error"] = error_text or _("Please correct the errors below.")
    return render(request, "cvs/edit.html", context)


@require_POST
def cv_delete(request: HttpRequest, agency_slug: str, cv_id: UUID) -> HttpResponse:
    cv = access.get_cv(request, cv_id, need=Cap.OWN_CANDIDATE_WORK)
    try:
        services.cv_delete(cv=cv)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(_cv_url(cv))
    messages.success(request, _("The CV is deleted."))
    return redirect("cvs:list", agency_slug=agency_slug)


@require_GET
def cv_download(
    request: HttpRequest, agency_slug: str, version_id: UUID, file_format: str
) -> HttpResponseBase:
    version = access.get_cv_version(request, version_id, need=access.READ)
    if file_format not in FORMATS:
        raise Http404
    cv = version.cv
    stored = Rendering.objects.filter(version=version).first()
    handle: IO[bytes] | None = None
    if stored is not None and stored.fits(cv):
        try:
            handle = open_stored(stored.pdf if file_format == "pdf" else stored.docx)
        except FileNotFoundError:
            handle = None  # a file lost from the storage: rendered afresh below
    content = b""
    if handle is None:
        model = render_model(version.content, cv.language)
        content = (
            rendering.cv_pdf(model, cv.design)
            if file_format == "pdf"
            else rendering.cv_docx(model, cv.design)
        )
    viewer = current_membership(request)
    selectors.staff_read_audit(
        viewer=viewer,
        candidate_id=cv.candidate_id,
        action="cv.download",
        target=cv,
        version=version.number,
        format=file_format,
    )
    name = rendering.safe_file_name(cv.title, version.number, file_format)
    if handle is not None:
        # Streamed from the storage, never redirected to it: the access check above is the gate.
        response = FileResponse(handle, content_type=FORMATS[file_format])
        response["Content-Disposition"] = content_disposition_header(True, name)
        response["X-Content-Type-Options"] = "nosniff"
        return response
    return _attachment(content, FORMATS[file_format], name)


@require_POST
def cv_comment(request: HttpRequest, agency_slug: str, version_id: UUID) -> HttpResponse:
    version = access.get_cv_version(request, version_id, need=Cap.REVIEW_CANDIDATE_WORK)
    viewer = current_membership(request)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.comment_add(version=version, author=viewer, text=form.cleaned_data["text"])
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Your comment is saved; the candidate sees it."))
    else:
        messages.error(request, _("Write a comment first."))
    return redirect(f"{_cv_url(version.cv)}?v={version.number}")


# --- JSON Resume -----------------------------------------------------------------------------


def _json_of(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except (ValueError, RecursionError) as error:
        raise JsonResumeError("$", _("This is not a JSON file.")) from error


@require_http_methods(["GET", "POST"])
def json_import(request: HttpRequest, agency_slug: str) -> HttpResponse:
    viewer = require(request, Cap.OWN_CANDIDATE_WORK)
    form = JsonResumeUploadForm(
        request.POST or None, request.FILES or None, initial={"language": viewer.language}
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_JSON_UPLOAD:
            form.add_error("file", _("The file is too large."))
        else:
            try:
                cv, not_kept = cv_import_json_resume(
                    candidate=viewer,
                    saved_by=viewer,
                    document=_json_of(upload.read(MAX_JSON_UPLOAD + 1)),
                    language=form.cleaned_data["language"],
                )
            except JsonResumeError as error:
                form.add_error(
                    "file",
                    _("%(path)s: %(problem)s") % {"path": error.path, "problem": error.message},
                )
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Your JSON Resume is imported as a new CV."))
                if not_kept:
                    messages.info(
                        request,
                        _("Not kept (no place for them in a CV here): %(paths)s")
                        % {"paths": ", ".join(not_kept[:40])},
                    )
                return redirect(_cv_url(cv))
    return render(request, "cvs/json_import.html", {"form": form})


@require_GET
def json_export(request: HttpRequest, agency_slug: str, cv_id: UUID) -> HttpResponse:
    cv = access.get_cv(request, cv_id, need=access.READ)
    version = _version_of(cv.versions.all(), request.GET.get("v"))
    selectors.export_audit(viewer=current_membership(request), version=version)
    body = json.dumps(from_content(version.content), ensure_ascii=False, indent=2)
    name = rendering.safe_file_name(cv.title, version.number, "json")
    return _attachment(body.encode(), "application/json", name)


# --- letters ---------------------------------------------------------------------------------


def _letter_data(letter: Letter, version: LetterVersion) -> dict[str, Any]:
    candidate = letter.candidate
    return rendering.letter_data(
        name=candidate.display_name,
        contact=[candidate.user.email],
        content=version.content,
        language=letter.language,
        day=timezone.localdate(version.created_at),
    )


def _uuid_or_none(raw: str) -> UUID | None:
    try:
        return UUID(raw)
    except ValueError:
        return None


@require_http_methods(["GET", "POST"])
def letter_create(request: HttpRequest, agency_slug: str) -> HttpResponse:
    viewer = require(request, Cap.OWN_CANDIDATE_WORK)
    # A letter for a vacancy of the job search (`?vacancy=<id>`); anything else is ignored.
    vacancy = _uuid_or_none(request.GET.get("vacancy", ""))
    form = LetterForm(
        request.POST or None,
        initial={"language": viewer.language, "title": _("Cover letter"), "vacancy_ref": vacancy},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            letter = services.letter_create(
                candidate=viewer,
                saved_by=viewer,
                title=data["title"],
                language=data["language"],
                design="classic",
                vacancy_ref=data["vacancy_ref"],
                content=form.content(),
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Your letter is saved as version 1."))
            return redirect(_letter_url(letter))
    return render(request, "cvs/letter_edit.html", {"form": form, "letter": None})


@require_GET
def letter_detail(request: HttpRequest, agency_slug: str, letter_id: UUID) -> HttpResponse:
    letter = access.get_letter(request, letter_id, need=access.READ)
    viewer = current_membership(request)
    versions = letter.versions.all()
    version = _version_of(versions, request.GET.get("v"))
    selectors.staff_read_audit(
        viewer=viewer,
        candidate_id=letter.candidate_id,
        action="letter.read",
        target=letter,
        version=version.number,
    )
    is_coach = viewer.pk != letter.candidate_id
    return render(
        request,
        "cvs/letter_detail.html",
        {
            "letter": letter,
            "version": version,
            "versions": versions.only("number", "created_at", "public_id"),
            "data": _letter_data(letter, version),
            "paragraphs": [p for p in version.content.get("body", "").split("\n\n") if p.strip()],
            "comments": version.comments.select_related("author"),
            "comment_form": CommentForm() if is_coach else None,
            "is_coach": is_coach,
        },
    )


@require_http_methods(["GET", "POST"])
def letter_edit(request: HttpRequest, agency_slug: str, letter_id: UUID) -> HttpResponse:
    letter = access.get_letter(request, letter_id, need=Cap.OWN_CANDIDATE_WORK)
    viewer = current_membership(request)
    latest = letter.versions.order_by("-number").first()
    if latest is None:
        raise Http404
    initial = {
        **latest.content,
        "title": letter.title,
        "language": letter.language,
        "vacancy_ref": letter.vacancy_ref,
        "base_number": latest.number,
    }
    form = LetterForm(request.POST or None, initial=initial)
    context: dict[str, Any] = {"form": form, "letter": letter}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            version = services.letter_version_save(
                letter=letter,
                saved_by=viewer,
                base_number=data["base_number"] if data["base_number"] is not None else -1,
                content=form.content(),
                title=data["title"],
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        except services.VersionConflict as conflict:
            current = conflict.current
            assert isinstance(current, LetterVersion)
            bound = request.POST.copy()
            bound["base_number"] = str(current.number)
            context["form"] = LetterForm(bound)
            context["form"].is_valid()
            context["conflict"] = current
            return render(request, "cvs/letter_edit.html", context, status=409)
        else:
            if letter.language != data["language"]:
                Letter.objects.filter(pk=letter.pk).update(language=data["language"])
            messages.success(
                request, _("Saved as version %(number)s.") % {"number": version.number}
            )
            return redirect(_letter_url(letter))
    return render(request, "cvs/letter_edit.html", context)


@require_POST
def letter_delete(request: HttpRequest, agency_slug: str, letter_id: UUID) -> HttpResponse:
    letter = access.get_letter(request, letter_id, need=Cap.OWN_CANDIDATE_WORK)
    try:
        services.letter_delete(letter=letter)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(_letter_url(letter))
    messages.success(request, _("The letter is deleted."))
    return redirect("cvs:list", agency_slug=agency_slug)


@require_GET
def letter_download(
    request: HttpRequest, agency_slug: str, version_id: UUID, file_format: str
) -> HttpResponse:
    version = access.get_letter_version(request, version_id, need=access.READ)
    if file_format not in FORMATS:
        raise Http404
    letter = version.letter
    data = _letter_data(letter, version)
    content = rendering.letter_pdf(data) if file_format == "pdf" else rendering.letter_docx(data)
    selectors.staff_read_audit(
        viewer=current_membership(request),
        candidate_id=letter.candidate_id,
        action="letter.download",
        target=letter,
        version=version.number,
        format=file_format,
    )
    name = rendering.safe_file_name(letter.title, version.number, file_format)
    return _attachment(content, FORMATS[file_format], name)


@require_POST
def letter_comment(request: HttpRequest, agency_slug: str, version_id: UUID) -> HttpResponse:
    version = access.get_letter_version(request, version_id, need=Cap.REVIEW_CANDIDATE_WORK)
    form = CommentForm(request.POST)
    if form.is_valid():
        services.comment_add(
            version=version, author=current_membership(request), text=form.cleaned_data["text"]
        )
        messages.success(request, _("Your comment is saved; the candidate sees it."))
    else:
        messages.error(request, _("Write a comment first."))
    return redirect(f"{_letter_url(version.letter)}?v={version.number}")


# --- LinkedIn --------------------------------------------------------------------------------


def _linkedin_page(
    request: HttpRequest, viewer: Membership, form: LinkedInImportForm, status: int = 200
) -> HttpResponse:
    profile = profile_of(viewer)
    return render(
        request,
        "cvs/linkedin.html",
        {
            "checklist": linkedin_checklist(profile),
            "language_advice": LINKEDIN_LANGUAGE_ADVICE,
            "form": form,
            "suggestions": selectors.open_linkedin_suggestions(viewer),
            "max_mb": MAX_ZIP_BYTES // (1024 * 1024),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def linkedin(request: HttpRequest, agency_slug: str) -> HttpResponse:
    viewer = require(request, Cap.OWN_CANDIDATE_WORK)
    form = LinkedInImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_ZIP_BYTES:
            form.add_error("file", _("The file is too large."))
        else:
            try:
                count = linkedin_import(candidate=viewer, data=upload.read(MAX_ZIP_BYTES + 1))
            except DomainError as error:
                form.add_error("file", error.message)
            else:
                messages.success(
                    request,
                    ngettext(
                        "%(count)s new suggestion from your LinkedIn export.",
                        "%(count)s new suggestions from your LinkedIn export.",
                        count,
                    )
                    % {"count": count},
                )
                return redirect("cvs:linkedin", agency_slug=agency_slug)
    return _linkedin_page(request, viewer, form)


@require_POST
def linkedin_suggestion(
    request: HttpRequest, agency_slug: str, suggestion_id: UUID
) -> HttpResponse:
    suggestion = access.own_linkedin_suggestion(request, suggestion_id)
    viewer = current_membership(request)
    try:
        linkedin_decide(
            suggestion=suggestion, candidate=viewer, accept=request.POST.get("accept") == "1"
        )
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("cvs:linkedin", agency_slug=agency_slug)


@require_POST
def linkedin_task(request: HttpRequest, agency_slug: str) -> HttpResponse:
    """A point of the checklist as a task of the candidate's plan."""
    viewer = require(request, Cap.OWN_CANDIDATE_WORK)
    point = next(
        (item for item in linkedin_checklist(None) if item.key == request.POST.get("key")), None
    )
    if point is None:
        messages.error(request, _("Choose a point of the checklist."))
    else:
        try:
            linkedin_task_add(
                candidate=viewer,
                title=_("LinkedIn: %(point)s") % {"point": point.title},
                advice=str(point.advice),
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Added to your plan as a task."))
    return redirect("cvs:linkedin", agency_slug=agency_slug)
