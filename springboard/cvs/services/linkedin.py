"""The candidate's own LinkedIn data export → suggestions for the competence profile.

LinkedIn's "Get a copy of your data" ZIP holds CSV files; we read Positions.csv, Education.csv
and Skills.csv (and Profile.csv's headline, kept as the first CV's headline suggestion is not a
profile field: it is reported, not stored). Each row becomes a suggestion the candidate accepts
or dismisses one by one; accepting writes the profile through profiles' services. The ZIP is read
in memory with caps on its size, its entries and each file's uncompressed size (zip bombs stop
at the cap), and never stored.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import zipfile
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from springboard.cvs.models import LinkedInSuggestion, LinkedInSuggestionKind, SuggestionState
from springboard.lib.errors import DomainError
from springboard.profiles.models import CareerEntry, Education
from springboard.profiles.services import profile_ensure, section_row_save, skill_add
from springboard.programmes.models import PlanItem, PlanItemKind
from springboard.programmes.selectors import current_programme_of
from springboard.programmes.services import plan_item_add
from springboard.taxonomy.models import Label
from springboard.taxonomy.selectors import clean_query
from springboard.tenancy.models import Membership

MAX_ZIP_BYTES = 20 * 1024 * 1024
MAX_ENTRIES = 500
MAX_CSV_BYTES = 2 * 1024 * 1024
MAX_ROWS = 300
FILES = {
    "positions.csv": LinkedInSuggestionKind.POSITION,
    "education.csv": LinkedInSuggestionKind.EDUCATION,
    "skills.csv": LinkedInSuggestionKind.SKILL,
}
MONTHS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
        start=1,
    )
}
YEAR = re.compile(r"(19|20)\d{2}")


def linkedin_date(text: str) -> tuple[int | None, int | None]:
    """LinkedIn writes "Mar 2019", "2019" or "2019-03"; anything else is no date."""
    match = YEAR.search(text or "")
    if match is None:
        return None, None
    year = int(match.group(0))
    month = MONTHS.get((text or "").strip()[:3].lower())
    if month is None:
        iso = re.search(r"\d{4}-(\d{2})", text)
        month = int(iso.group(1)) if iso and 1 <= int(iso.group(1)) <= 12 else None
    return year, month


def _read_csv(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> list[dict[str, str]]:
    if info.file_size > MAX_CSV_BYTES:
        raise DomainError(_("A file in the ZIP is too large."))
    with archive.open(info) as handle:
        raw = handle.read(MAX_CSV_BYTES + 1)
    if len(raw) > MAX_CSV_BYTES:
        raise DomainError(_("A file in the ZIP is too large."))
    text = raw.decode("utf-8-sig", errors="replace")
    reader = csv.DictReader(io.StringIO(text))
    rows = []
    for index, row in enumerate(reader):
        if index >= MAX_ROWS:
            break
        rows.append(
            {
                (key or "").strip(): (value or "").strip()[:4000]
                for key, value in row.items()
                if isinstance(value, str)
            }
        )
    return rows


def _suggestion_data(kind: str, row: dict[str, str]) -> dict[str, Any] | None:
    if kind == LinkedInSuggestionKind.POSITION:
        title, employer = row.get("Title", "")[:200], row.get("Company Name", "")[:200]
        start_year, start_month = linkedin_date(row.get("Started On", ""))
        if not title or not employer or start_year is None:
            return None
        end_year, end_month = linkedin_date(row.get("Finished On", ""))
        return {
            "title": title,
            "employer": employer,
            "start_year": start_year,
            "start_month": start_month,
            "end_year": end_year,
            "end_month": end_month if end_year else None,
            "description": row.get("Description", "")[:4000],
        }
    if kind == LinkedInSuggestionKind.EDUCATION:
        title = row.get("Degree Name", "") or row.get("School Name", "")
        if not title:
            return None
        start_year, start_month = linkedin_date(row.get("Start Date", ""))
        end_year, end_month = linkedin_date(row.get("End Date", ""))
        return {
            "title": title[:200],
            "institution": row.get("School Name", "")[:200],
            "start_year": start_year,
            "start_month": start_month if start_year else None,
            "end_year": end_year,
            "end_month": end_month if end_year else None,
        }
    name = row.get("Name", "")[:200]
    return {"name": name} if name else None


def linkedin_import(*, candidate: Membership, data: bytes) -> int:
    """Suggestions from the export; returns how many are new. Raises DomainError for a file
    that is not such an export."""
    if len(data) > MAX_ZIP_BYTES:
        raise DomainError(_("The file is too large."), field="file")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise DomainError(_("This is not a ZIP file."), field="file") from error
    if len(infos) > MAX_ENTRIES:
        raise DomainError(_("The ZIP holds too many files."), field="file")
    found: list[tuple[str, dict[str, Any]]] = []
    with archive:
        for info in infos:
            kind = FILES.get(info.filename.rsplit("/", 1)[-1].lower())
            if kind is None or info.is_dir():
                continue
            try:
                rows = _read_csv(archive, info)
            except (zipfile.BadZipFile, RuntimeError, OSError, csv.Error, EOFError) as error:
                raise DomainError(_("The ZIP file is damaged."), field="file") from error
            found += [(kind, d) for row in rows if (d := _suggestion_data(kind, row)) is not None]
    if not found:
        raise DomainError(
            _("No jobs, education or skills found: is this LinkedIn's data export?"),
            field="file",
        )
    existing = {
        (kind, repr(sorted(data.items())))
        for kind, data in LinkedInSuggestion.objects.filter(candidate=candidate).values_list(
            "kind", "data"
        )
    }
    new = [
        LinkedInSuggestion(candidate=candidate, kind=kind, data=data)
        for kind, data in found
        if (kind, repr(sorted(data.items()))) not in existing
    ]
    LinkedInSuggestion.objects.bulk_create(new)
    return len(new)


def _skill_for(name: str) -> Any:
    query = clean_query(name)
    label = (
        Label.objects.filter(skill__isnull=False, search_text=query).select_related("skill").first()
        if query
        else None
    )
    return label.skill if label is not None else None


@transaction.atomic
def linkedin_decide(
    *, suggestion: LinkedInSuggestion, candidate: Membership, accept: bool
) -> LinkedInSuggestion:
    """Accept (write to the profile) or dismiss one suggestion; a decided one stays decided."""
    locked = LinkedInSuggestion.objects.select_for_update().get(pk=suggestion.pk)
    if locked.state != SuggestionState.OPEN:
        return locked
    if accept:
        profile = profile_ensure(candidate)
        data = locked.data
        if locked.kind == LinkedInSuggestionKind.POSITION:
            section_row_save(
                profile=profile, model=CareerEntry, row=None, expected_version=None, values=data
            )
        elif locked.kind == LinkedInSuggestionKind.EDUCATION:
            section_row_save(
                profile=profile, model=Education, row=None, expected_version=None, values=data
            )
        else:
            skill = _skill_for(data.get("name", ""))
            if skill is None:
                raise DomainError(
                    _("“%(name)s” is not in the skills list; add it on your skills page.")
                    % {"name": data.get("name", "")}
                )
            skill_add(profile=profile, skill=skill)
    locked.state = SuggestionState.ACCEPTED if accept else SuggestionState.DISMISSED
    locked.save(update_fields=["state"])
    return locked


TASK_DAYS = 14


def linkedin_task_add(*, candidate: Membership, title: str, advice: str) -> PlanItem:
    """A checklist point as a task of the candidate's running plan, under its first open
    milestone, due in two weeks. Raises DomainError when there is no plan to add it to."""
    programme = current_programme_of(candidate)
    if programme is None:
        raise DomainError(_("You have no plan yet to add this to."))
    milestone = (
        PlanItem.objects.filter(
            programme=programme, kind=PlanItemKind.MILESTONE, done_at__isnull=True
        ).first()
        or PlanItem.objects.filter(programme=programme, kind=PlanItemKind.MILESTONE).last()
    )
    if milestone is None:
        raise DomainError(_("You have no plan yet to add this to."))
    if PlanItem.objects.filter(parent=milestone, title=title, done_at__isnull=True).exists():
        raise DomainError(_("This is already a task of your plan."))
    return plan_item_add(
        programme=programme,
        actor=candidate,
        kind=PlanItemKind.TASK,
        title=title,
        description=advice,
        milestone=milestone,
        due_date=timezone.localdate() + datetime.timedelta(days=TASK_DAYS),
    )
