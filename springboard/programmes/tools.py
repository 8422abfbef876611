"""The tools a plan task can open: a template task names one by key, as data.

A task such as "Complete the interests questionnaire" carries `"tool": "interest-profiler"`; the
plan shows the candidate a link to the page that does the work, and the app owning that work marks
the task done through `services.plan_tasks_complete_for_tool` when the work is finished. The pages
belong to apps in the layer above; this table names them by URL name only (a name, not an import),
and `tests/test_programmes_tools.py` checks that every name resolves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Tool:
    name: Any  # lazy text: what the tool is, for the template editor ("Interests questionnaire")
    label: Any  # lazy text: the link's words in the plan ("Open the interests questionnaire")
    url_name: str
    url_kwargs: dict[str, str] = field(default_factory=dict)


TOOLS: dict[str, Tool] = {
    "interest-profiler": Tool(
        _("Interests questionnaire"),
        _("Open the interests questionnaire"),
        "assessments:instrument",
        {"instrument": "interest-profiler-60"},
    ),
    "big-five": Tool(
        _("Personality questionnaire"),
        _("Open the personality questionnaire"),
        "assessments:instrument",
        {"instrument": "ipip-neo-120"},
    ),
    "work-values": Tool(
        _("Work values questionnaire"),
        _("Open the work values questionnaire"),
        "assessments:instrument",
        {"instrument": "work-values"},
    ),
    "strengths": Tool(
        _("Strengths and weaknesses"),
        _("Open your strengths and weaknesses"),
        "assessments:instrument",
        {"instrument": "strengths"},
    ),
    "wellbeing-factors": Tool(
        _("Wellbeing factors"),
        _("Open your wellbeing factors"),
        "assessments:instrument",
        {"instrument": "wellbeing-factors"},
    ),
    "competence-profile": Tool(
        _("Competence profile"), _("Open your competence profile"), "profiles:profile"
    ),
    "skills": Tool(_("Skills in the profile"), _("Open your skills"), "profiles:skills"),
    "cv": Tool(_("CV"), _("Open your CVs"), "cvs:list"),
    "cv-upload": Tool(_("CV upload"), _("Upload your CV"), "profiles:cv_upload"),
    "opportunities": Tool(_("Opportunities"), _("Open your opportunities"), "opportunities:list"),
    "coaching-sessions": Tool(
        _("Coaching sessions"), _("Book a coaching session"), "coaching:sessions"
    ),
    "workshops": Tool(_("Workshops and modules"), _("Open the workshops"), "coaching:workshops"),
    "network": Tool(_("Network"), _("Open your network"), "network:contacts"),
    "mock-interviews": Tool(_("Mock interviews"), _("Open your mock interviews"), "jobs:mock_list"),
}

TOOL_KEYS = frozenset(TOOLS)
MAX_TOOL_KEY_LENGTH = 40


def tool_url(key: str, agency_slug: str) -> str | None:
    """The candidate's page for a tool, or None for an unknown key or a page not (yet) mounted."""
    tool = TOOLS.get(key)
    if tool is None:
        return None
    try:
        return reverse(tool.url_name, kwargs={"agency_slug": agency_slug, **tool.url_kwargs})
    except NoReverseMatch:
        return None


# A coach's pages on one candidate's work: (label, URL name, the URL's keyword, and whether it takes
# the programme's public id or the candidate's membership's). The programme page links to each.
CANDIDATE_WORK_PAGES: tuple[tuple[Any, str, str, str], ...] = (
    (_("Competence profile"), "profiles:coach_profile", "programme_id", "programme"),
    (_("Tests and questionnaires"), "assessments:coach_results", "public_id", "programme"),
    (_("Opportunities"), "opportunities:coach", "public_id", "programme"),
    (_("Network"), "network:coach_contacts", "public_id", "programme"),
    (_("Coaching notes"), "coaching:notes", "programme_id", "programme"),
    (_("Book a coaching session"), "coaching:session_book", "programme_id", "programme"),
    (_("Personal budget"), "coaching:budget", "programme_id", "programme"),
    (_("CVs and letters"), "cvs:coach_list", "programme_id", "programme"),
    (_("Job search"), "jobs:candidate_pipeline", "public_id", "candidate"),
    (_("Mock interviews"), "jobs:mock_coach_list", "public_id", "candidate"),
)


def candidate_work_links(
    agency_slug: str, programme_public_id: object, candidate_public_id: object
) -> list[tuple[Any, str]]:
    ids = {"programme": programme_public_id, "candidate": candidate_public_id}
    return [
        (label, reverse(url_name, kwargs={"agency_slug": agency_slug, key: ids[source]}))
        for label, url_name, key, source in CANDIDATE_WORK_PAGES
    ]
