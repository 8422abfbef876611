"""ESCO reference data: occupations, skills, their groups, labels per language and relations.

This is global reference data, not tenant data: every agency reads the same rows, and only
`springboard import-reference-data` writes them. Concepts keep their ESCO URI as the natural
key; `public_id` (used in URLs) is derived from the URI (UUID5), so it is the same in every
installation and survives a re-import. Preferred names and descriptions per language are kept
on the concept (`names`, `descriptions`: language → text) so pages need no label joins; every
label (preferred, alternative, hidden) is also a `Label` row for search.
"""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

URI_MAX = 255
FALLBACK_LANG = "en"


def public_id_for(uri: str) -> uuid.UUID:
    """Stable public id of a concept: the same URI gives the same id everywhere."""
    return uuid.uuid5(uuid.NAMESPACE_URL, uri)


class Concept(models.Model):
    public_id = models.UUIDField(unique=True, editable=False)
    uri = models.CharField(max_length=URI_MAX, unique=True)
    code = models.CharField(max_length=40, blank=True)
    status = models.CharField(max_length=20, blank=True)
    names = models.JSONField(default=dict, blank=True)
    descriptions = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name_in(FALLBACK_LANG) or self.uri

    def name_in(self, lang: str) -> str:
        """Preferred name in ``lang``, else English, else any language's."""
        return _in_language(self.names, lang)

    def description_in(self, lang: str) -> str:
        return _in_language(self.descriptions, lang)

    def name_language(self, lang: str) -> str:
        """The language :meth:`name_in` actually used (for the ``lang`` attribute in HTML)."""
        return _language_used(self.names, lang)

    def description_language(self, lang: str) -> str:
        return _language_used(self.descriptions, lang)


def _language_used(texts: dict[str, str], lang: str) -> str:
    for code in (lang, FALLBACK_LANG):
        if texts.get(code):
            return code
    return next((code for code in sorted(texts) if texts[code]), "")


def _in_language(texts: dict[str, str], lang: str) -> str:
    used = _language_used(texts, lang)
    return texts[used] if used else ""


class IscoGroup(Concept):
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )

    class Meta:
        verbose_name = _("ISCO group")
        verbose_name_plural = _("ISCO groups")
        ordering = ("code",)
        indexes: ClassVar = [models.Index(fields=("code",), name="taxonomy_isco_code")]


class SkillGroup(Concept):
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )

    class Meta:
        verbose_name = _("skill group")
        verbose_name_plural = _("skill groups")
        ordering = ("code",)


class Occupation(Concept):
    isco_group = models.ForeignKey(
        IscoGroup, null=True, blank=True, on_delete=models.SET_NULL, related_name="occupations"
    )
    broader = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="narrower"
    )

    class Meta:
        verbose_name = _("occupation")
        verbose_name_plural = _("occupations")
        ordering = ("code",)


class SkillType(models.TextChoices):
    SKILL = "skill/competence", _("Skill or competence")
    KNOWLEDGE = "knowledge", _("Knowledge")
    UNKNOWN = "", _("Not stated")


class Skill(Concept):
    skill_type = models.CharField(max_length=20, choices=SkillType.choices, blank=True)
    reuse_level = models.CharField(max_length=40, blank=True)

    class Meta:
        verbose_name = _("skill")
        verbose_name_plural = _("skills")
        ordering = ("uri",)


class RelationType(models.TextChoices):
    ESSENTIAL = "essential", _("Essential")
    OPTIONAL = "optional", _("Optional")


class OccupationSkill(models.Model):
    occupation = models.ForeignKey(Occupation, on_delete=models.CASCADE, related_name="skills")
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="occupations")
    relation = models.CharField(max_length=10, choices=RelationType.choices)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=("occupation", "skill"), name="taxonomy_occupation_skill_unique"
            ),
            models.CheckConstraint(
                condition=Q(relation__in=RelationType.values), name="taxonomy_occskill_relation"
            ),
        ]
        indexes: ClassVar = [
            models.Index(fields=("skill", "relation"), name="taxonomy_occskill_skill"),
        ]

    def __str__(self) -> str:
        return f"{self.occupation_id} → {self.skill_id} ({self.relation})"


class SkillSkill(models.Model):
    """ESCO's skill-to-skill relations (for instance a knowledge needed by a skill)."""

    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="related_to")
    related = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="related_from")
    relation = models.CharField(max_length=20, blank=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=("skill", "related"), name="taxonomy_skillskill_unique")
        ]

    def __str__(self) -> str:
        return f"{self.skill_id} → {self.related_id} ({self.relation})"


class SkillBroader(models.Model):
    """A skill's broader concept: a skill group or another skill (a skill may have several)."""

    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="broader_links")
    broader_skill = models.ForeignKey(
        Skill, null=True, blank=True, on_delete=models.CASCADE, related_name="narrower_links"
    )
    broader_group = models.ForeignKey(
        SkillGroup, null=True, blank=True, on_delete=models.CASCADE, related_name="skill_links"
    )

    class Meta:
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(broader_skill__isnull=True, broader_group__isnull=False)
                | Q(broader_skill__isnull=False, broader_group__isnull=True),
                name="taxonomy_skillbroader_one_target",
            ),
            models.UniqueConstraint(
                fields=("skill", "broader_skill"),
                condition=Q(broader_skill__isnull=False),
                name="taxonomy_skillbroader_skill_unique",
            ),
            models.UniqueConstraint(
                fields=("skill", "broader_group"),
                condition=Q(broader_group__isnull=False),
                name="taxonomy_skillbroader_group_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.skill_id} ⊂ {self.broader_skill_id or self.broader_group_id}"


class LabelKind(models.TextChoices):
    PREFERRED = "preferred", _("Preferred")
    ALT = "alt", _("Alternative")
    HIDDEN = "hidden", _("Hidden")


LABEL_OWNERS = ("occupation", "skill", "isco_group", "skill_group")


def _exactly_one_owner() -> Q:
    condition = Q()
    for owner in LABEL_OWNERS:
        only = Q(**{f"{owner}__isnull": False}) & Q(
            **{f"{other}__isnull": True for other in LABEL_OWNERS if other != owner}
        )
        condition |= only
    return condition


class Label(models.Model):
    """One surface form of a concept in one language; ``search_text`` is its normalised form
    (folded, punctuation dropped: ``textnorm.normalise_phrase``) that search compares with."""

    occupation = models.ForeignKey(
        Occupation, null=True, blank=True, on_delete=models.CASCADE, related_name="labels"
    )
    skill = models.ForeignKey(
        Skill, null=True, blank=True, on_delete=models.CASCADE, related_name="labels"
    )
    isco_group = models.ForeignKey(
        IscoGroup, null=True, blank=True, on_delete=models.CASCADE, related_name="labels"
    )
    skill_group = models.ForeignKey(
        SkillGroup, null=True, blank=True, on_delete=models.CASCADE, related_name="labels"
    )
    lang = models.CharField(max_length=8)
    kind = models.CharField(max_length=10, choices=LabelKind.choices)
    text = models.CharField(max_length=300)
    search_text = models.CharField(max_length=300)

    class Meta:
        constraints: ClassVar = [
            models.CheckConstraint(condition=_exactly_one_owner(), name="taxonomy_label_owner"),
            models.CheckConstraint(
                condition=Q(kind__in=LabelKind.values), name="taxonomy_label_kind"
            ),
            *(
                models.UniqueConstraint(
                    fields=(owner, "lang", "text"),
                    condition=Q(**{f"{owner}__isnull": False}),
                    name=f"taxonomy_label_{owner}_unique",
                )
                for owner in LABEL_OWNERS
            ),
        ]
        indexes: ClassVar = [
            # Autocomplete: occupation labels whose normalised text starts with / contains
            # the query; PostgreSQL installs may add a trigram index for "contains".
            models.Index(
                fields=("search_text",),
                condition=Q(occupation__isnull=False),
                name="taxonomy_label_occ_search",
            ),
            models.Index(fields=("lang", "kind"), name="taxonomy_label_lang_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.text} ({self.lang})"


class TaxonomyVersion(models.Model):
    """One row per import that changed anything; the newest is the current taxonomy.

    The matching engine caches its matrices per process under (number, changed_at) of the
    newest row: the import writes both in the same transaction as every data change.
    """

    number = models.PositiveIntegerField(unique=True)
    is_sample = models.BooleanField(default=False)
    source = models.CharField(max_length=500, blank=True)
    summary = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    changed_at = models.DateTimeField()

    class Meta:
        ordering = ("-number",)

    def __str__(self) -> str:
        return f"taxonomy v{self.number}"
