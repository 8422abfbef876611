"""Reading an uploaded CV in the background: text out of the document, then skills (the ESCO
extractor) and jobs (`lib.career_text`) suggested to the candidate. Nothing is added to the
profile here; the candidate decides every suggestion (`services.cv.suggestion_decide`).

A suggestion whose key the candidate rejected before (in any upload of the profile) is stored
as rejected again, and skills and jobs already in the profile are not suggested.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.files.storage import default_storage
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from springboard.lib.career_text import CareerSuggestion, suggest_career_entries
from springboard.lib.documents import DocumentRejected, document_text
from springboard.profiles.models import (
    CvStatus,
    CvSuggestion,
    CvUpload,
    SuggestionKind,
    SuggestionState,
)
from springboard.programmes.services import plan_tasks_complete_for_tool
from springboard.taxonomy.engine_cache import get_extractor
from springboard.taxonomy.models import Skill
from springboard.tenancy.models import Membership

# More would bury the candidate; the extractor's best-scored skills come first.
SKILL_SUGGESTIONS_MAX = 60
CAREER_SUGGESTIONS_MAX = 30
_YEAR_MONTH = re.compile(r"(\d{4})(?:-(\d{1,2}))?")


def _running(upload_id: str) -> CvUpload | None:
    # SUGGESTING too: a task re-queued after its worker died there (R1, docs/reliability.md)
    # starts over; _suggest skips what the first run stored, so nothing is suggested twice.
    return (
        CvUpload.objects.select_related("profile__membership")
        .filter(
            public_id=upload_id,
            state__in=[CvStatus.QUEUED, CvStatus.READING, CvStatus.SUGGESTING],
        )
        .first()
    )


def _set(upload: CvUpload, **fields: Any) -> None:
    for name, value in fields.items():
        setattr(upload, name, value)
    CvUpload.objects.filter(pk=upload.pk).update(**fields)


def partial_date(value: str | None) -> tuple[int | None, int | None]:
    """(year, month) of a partial ISO date as career_text gives it: "2019" or "2019-03"."""
    match = _YEAR_MONTH.fullmatch(value or "")
    if match is None:
        return None, None
    month = int(match.group(2)) if match.group(2) else None
    return int(match.group(1)), month if month and 1 <= month <= 12 else None


def career_key(title: str, employer: str, start_year: int | None) -> str:
    return "|".join(
        " ".join(str(x).casefold().split()) for x in (title, employer, start_year or "")
    )


def _career_data(found: CareerSuggestion) -> dict[str, Any] | None:
    start_year, start_month = partial_date(found.start)
    end_year, end_month = (None, None) if found.current else partial_date(found.end)
    # A job needs a start year in the profile; one found without dates is left out.
    if start_year is None or not (1940 <= start_year <= 2100):
        return None
    if end_year is not None and not (start_year <= end_year <= 2100):
        end_year, end_month = None, None
    return {
        "title": str(found.title or "")[:200],
        "employer": str(found.employer or "")[:200],
        "start_year": start_year,
        "start_month": start_month,
        "end_year": end_year,
        "end_month": end_month,
        "description": str(found.description or "")[:4000],
        "source_line": found.source_line,
    }


def _suggest(upload: CvUpload, text: str) -> None:
    profile = upload.profile
    known = CvSuggestion.objects.filter(upload__profile=profile)
    rejected = set(known.filter(state=SuggestionState.REJECTED).values_list("kind", "key"))
    in_upload = set(upload.suggestions.values_list("kind", "key"))
    have_skills = set(profile.skills.values_list("skill__uri", flat=True))
    have_jobs = {
        career_key(title, employer, year)
        for title, employer, year in profile.career.values_list("title", "employer", "start_year")
    }
    rows: list[CvSuggestion] = []

    def add(kind: str, key: str, **fields: Any) -> None:
        if (kind, key) in in_upload:
            return
        in_upload.add((kind, key))
        state = SuggestionState.REJECTED if (kind, key) in rejected else SuggestionState.OPEN
        rows.append(CvSuggestion(upload=upload, kind=kind, key=key[:600], state=state, **fields))

    best: dict[str, tuple[float, str]] = {}
    for match in get_extractor().extract(text, profile.membership.language[:2] or None):
        if match.uri not in have_skills and match.score > best.get(match.uri, (0.0, ""))[0]:
            best[match.uri] = (match.score, match.text)
    ranked = sorted(best.items(), key=lambda item: -item[1][0])[:SKILL_SUGGESTIONS_MAX]
    skills = Skill.objects.in_bulk([uri for uri, _found in ranked], field_name="uri")
    for uri, (_score, words) in ranked:
        if uri in skills:
            add(SuggestionKind.SKILL, uri, skill=skills[uri], data={"text": words[:300]})
    for found in suggest_career_entries(text)[:CAREER_SUGGESTIONS_MAX]:
        data = _career_data(found)
        if data is None:
            continue
        key = career_key(data["title"], data["employer"], data["start_year"])
        if key not in have_jobs:
            add(SuggestionKind.CAREER, key, data=data)
    CvSuggestion.objects.bulk_create(rows)


def cv_complete_when_decided(upload: CvUpload, actor: Membership) -> None:
    """The CV task is done once a parsed CV has no open suggestion left."""
    if (
        upload.state == CvStatus.DONE
        and not upload.suggestions.filter(state=SuggestionState.OPEN).exists()
    ):
        plan_tasks_complete_for_tool(
            candidate=upload.profile.membership, tool="cv-upload", actor=actor
        )


def cv_parse_run(*, upload_id: str) -> CvUpload | None:
    """The task body: read the stored file, then store the suggestions; re-checks the state, so
    a second delivery of the task does nothing."""
    upload = _running(upload_id)
    if upload is None:
        return None
    with translation.override(upload.profile.membership.language):
        _set(upload, state=CvStatus.READING, progress_percent=5)
        with default_storage.open(upload.file.name or "", "rb") as handle:
            data = handle.read()

        def on_progress(done: int, total: int) -> None:
            # Reading is the first 60% of the bar.
            fraction = done / total if total else 0.0
            percent = 5 + round(55 * min(1.0, max(0.0, fraction)))
            if percent > upload.progress_percent:
                _set(upload, progress_percent=percent)

        try:
            document = document_text(data, filename=upload.original_name, on_progress=on_progress)
        except DocumentRejected as rejected:
            _set(
                upload,
                state=CvStatus.FAILED,
                message=str(rejected.message)[:500],
                finished_at=timezone.now(),
            )
            return upload
        _set(
            upload,
            state=CvStatus.SUGGESTING,
            progress_percent=60,
            kind=str(document.kind)[:10],
            pages=document.pages,
            truncated=bool(document.truncated),
        )
        _suggest(upload, document.text)
        _set(upload, state=CvStatus.DONE, progress_percent=100, finished_at=timezone.now())
        cv_complete_when_decided(upload, upload.profile.membership)
    return upload


def cv_parse_crashed(*, upload_id: str) -> None:
    """A task body raised: a running upload is marked failed instead of staying 'reading'."""
    upload = (
        CvUpload.objects.select_related("profile__membership").filter(public_id=upload_id).first()
    )
    if upload is None:
        return
    with translation.override(upload.profile.membership.language):
        CvUpload.objects.filter(
            pk=upload.pk, state__in=[CvStatus.QUEUED, CvStatus.READING, CvStatus.SUGGESTING]
        ).update(
            state=CvStatus.FAILED,
            message=_(
                "Something went wrong while reading this file. "
                "Try again or upload it in another format."
            ),
            finished_at=timezone.now(),
        )
