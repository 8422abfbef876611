"""Reads of the taxonomy. Global reference data: no tenant filter, views still need a member.

Names are shown in the reader's language, falling back to English, then any language
(`Concept.name_in`); every list here has a constant number of queries.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.core.paginator import Page
from django.db.models import (
    Case,
    Exists,
    IntegerField,
    OuterRef,
    QuerySet,
    TextField,
    Value,
    When,
)
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Coalesce, Length

from springboard.matching.textnorm import normalise_lang, normalise_phrase
from springboard.taxonomy.models import (
    FALLBACK_LANG,
    Concept,
    Label,
    Occupation,
    OccupationSkill,
    RelationType,
    Skill,
    SkillBroader,
    SkillSkill,
    TaxonomyVersion,
)

MIN_QUERY = 2
QUERY_MAX = 100
SUGGESTIONS = 8
RELATED_MAX = 12


@dataclass(frozen=True)
class Shown:
    """A concept as a page shows it: its name in the reader's language (or a fallback)."""

    public_id: UUID
    name: str
    lang: str  # the language of ``name``: templates mark it up when it is not the page's
    code: str = ""
    note: str = ""


def shown(concept: Concept, lang: str, *, note: str = "") -> Shown:
    return Shown(
        concept.public_id, concept.name_in(lang), concept.name_language(lang), concept.code, note
    )


def reader_lang(language_code: str) -> str:
    return normalise_lang(language_code) or FALLBACK_LANG


def current_version() -> TaxonomyVersion | None:
    return TaxonomyVersion.objects.order_by("-number").first()


def clean_query(raw: str) -> str:
    return normalise_phrase(raw[:QUERY_MAX])


def _lang_preference(lang: str) -> Case:
    return Case(
        When(lang=lang, then=Value(0)),
        When(lang=FALLBACK_LANG, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )


def _label_suggestions(
    raw_query: str, lang: str, *, concept: str, limit: int, exclude_ids: Any = None
) -> list[Shown]:
    """Best concepts (`concept` is "occupation" or "skill") for a typed fragment, in two queries.

    Labels of every language are searched; a label that starts with the fragment, in the
    reader's language, preferred and short ranks first. The suggestion shows the concept's name
    in the reader's language and, when it differs, the label that matched (a Danish label found
    by a reader of Dutch pages, say). `exclude_ids`: concept ids (or a subquery) to leave out.
    """
    query = clean_query(raw_query)
    if len(query) < MIN_QUERY:
        return []
    id_field = f"{concept}_id"
    labels = Label.objects.filter(**{f"{concept}__isnull": False}, search_text__contains=query)
    if exclude_ids is not None:
        labels = labels.exclude(**{f"{id_field}__in": exclude_ids})
    hits = (
        labels.annotate(
            starts=Case(
                When(search_text__startswith=query, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
            lang_rank=_lang_preference(lang),
            kind_rank=Case(
                When(kind="preferred", then=Value(0)),
                When(kind="alt", then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            ),
            size=Length("text"),
        )
        .order_by("starts", "lang_rank", "kind_rank", "size", id_field)
        .values_list(id_field, "text")[: limit * 20]
    )
    matched: dict[int, str] = {}
    for concept_id, text in hits:
        if concept_id not in matched:
            matched[concept_id] = text
            if len(matched) == limit:
                break
    model: Any = Occupation if concept == "occupation" else Skill
    found = model.objects.in_bulk(list(matched))
    return [
        shown(found[concept_id], lang, note="" if text == found[concept_id].name_in(lang) else text)
        for concept_id, text in matched.items()
    ]


def occupation_suggestions(raw_query: str, lang: str, limit: int = SUGGESTIONS) -> list[Shown]:
    """Best occupations for a typed fragment (see `_label_suggestions`)."""
    return _label_suggestions(raw_query, lang, concept="occupation", limit=limit)


def skill_suggestions(
    raw_query: str, lang: str, *, limit: int = SUGGESTIONS, exclude_ids: Any = None
) -> list[Shown]:
    """Best ESCO skills for a typed fragment, leaving out `exclude_ids`."""
    return _label_suggestions(
        raw_query, lang, concept="skill", limit=limit, exclude_ids=exclude_ids
    )


def occupation_search(raw_query: str, lang: str) -> QuerySet[Occupation]:
    """Occupations with a label containing the query (any language), or all of them;
    ordered: a label starting with the query first, then by name in the reader's language."""
    query = clean_query(raw_query)
    display = Coalesce(
        KeyTextTransform(lang, "names"),
        KeyTextTransform(FALLBACK_LANG, "names"),
        Value(""),
        output_field=TextField(),
    )
    occupations = Occupation.objects.annotate(display=display)
    if not query:
        return occupations.order_by("display", "pk")
    labels = Label.objects.filter(occupation=OuterRef("pk"))
    return (
        occupations.filter(Exists(labels.filter(search_text__contains=query)))
        .annotate(prefix=Exists(labels.filter(search_text__startswith=query)))
        .order_by("-prefix", "display", "pk")
    )


def shown_page(page: Page, lang: str) -> Page:
    """The page with its concepts replaced by :class:`Shown` rows (no extra query)."""
    page.object_list = [shown(item, lang) for item in page.object_list]
    return page


@dataclass(frozen=True)
class OccupationView:
    occupation: Occupation
    name: Shown
    description: str
    description_lang: str
    isco_group: Shown | None
    broader: Shown | None
    essential: list[Shown]
    optional: list[Shown]
    narrower: list[Shown]
    same_group: list[Shown]
    labels: list[Any]


def _by_name(items: list[Shown]) -> list[Shown]:
    return sorted(items, key=lambda item: item.name.casefold())


def occupation_view(occupation: Occupation, lang: str) -> OccupationView:
    """Everything the occupation page shows, in five queries."""
    links = OccupationSkill.objects.filter(occupation=occupation).select_related("skill")
    essential = [shown(link.skill, lang) for link in links if link.relation == "essential"]
    optional = [shown(link.skill, lang) for link in links if link.relation != "essential"]
    narrower = [shown(o, lang) for o in occupation.narrower.all()[:RELATED_MAX]]
    same_group: list[Shown] = []
    if occupation.isco_group_id:
        siblings = (
            Occupation.objects.filter(isco_group_id=occupation.isco_group_id)
            .exclude(pk=occupation.pk)
            .order_by("code")[:RELATED_MAX]
        )
        same_group = [shown(o, lang) for o in siblings]
    labels = list(
        Label.objects.filter(occupation=occupation, kind__in=("preferred", "alt"))
        .annotate(lang_rank=_lang_preference(lang))
        .order_by("lang_rank", "lang", "kind", "text")
        .values("text", "lang", "kind")
    )
    return OccupationView(
        occupation=occupation,
        name=shown(occupation, lang),
        description=occupation.description_in(lang),
        description_lang=occupation.description_language(lang),
        isco_group=shown(occupation.isco_group, lang) if occupation.isco_group else None,
        broader=shown(occupation.broader, lang) if occupation.broader else None,
        essential=_by_name(essential),
        optional=_by_name(optional),
        narrower=_by_name(narrower),
        same_group=_by_name(same_group),
        labels=labels,
    )


def occupations_needing(skill: Skill) -> QuerySet[OccupationSkill]:
    """Occupations that need ``skill``: essential first (paginate it)."""
    return (
        OccupationSkill.objects.filter(skill=skill)
        .select_related("occupation")
        .order_by(
            Case(When(relation=RelationType.ESSENTIAL, then=Value(0)), default=Value(1)),
            "occupation__code",
            "pk",
        )
    )


def needing_page(page: Page, lang: str) -> Page:
    page.object_list = [
        shown(link.occupation, lang, note=link.relation) for link in page.object_list
    ]
    return page


@dataclass(frozen=True)
class SkillView:
    skill: Skill
    name: Shown
    description: str
    description_lang: str
    broader: list[Shown]
    related: list[Shown]


def skill_view(skill: Skill, lang: str) -> SkillView:
    """The skill page without its paginated occupations, in two queries."""
    broader: list[Shown] = []
    for link in SkillBroader.objects.filter(skill=skill).select_related(
        "broader_skill", "broader_group"
    ):
        if link.broader_group is not None:
            broader.append(shown(link.broader_group, lang, note="group"))
        elif link.broader_skill is not None:
            broader.append(shown(link.broader_skill, lang, note="skill"))
    related = [
        shown(link.related, lang, note=link.relation)
        for link in SkillSkill.objects.filter(skill=skill).select_related("related")[:RELATED_MAX]
    ]
    return SkillView(
        skill=skill,
        name=shown(skill, lang),
        description=skill.description_in(lang),
        description_lang=skill.description_language(lang),
        broader=_by_name(broader),
        related=_by_name(related),
    )
