"""Models of the opportunities app.

Two kinds of rows live here:

* reference data, global like the taxonomy and written only by the reference-data importer
  (`springboard import-reference-data`): O*NET interest profiles of occupations and Nesta's
  ESCO → O*NET crosswalk, keyed by ESCO URI so a re-import of the taxonomy keeps them joined;
* tenant data: which missing skill a coach turned into a task of which programme's plan, so
  the same skill never becomes two tasks.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.db.models import Q

URI_MAX = 255


class OnetInterestProfile(models.Model):
    """An O*NET-SOC occupation's RIASEC profile (Interests.txt: scale OI, 1-7) and its
    high-point code (scale IH: up to three letters, strongest first, e.g. "SEC")."""

    onet_code = models.CharField(max_length=10, unique=True)
    title = models.CharField(max_length=200)
    realistic = models.FloatField()
    investigative = models.FloatField()
    artistic = models.FloatField()
    social = models.FloatField()
    enterprising = models.FloatField()
    conventional = models.FloatField()
    high_point = models.CharField(max_length=3, blank=True)
    imported_at = models.DateTimeField()

    class Meta:
        ordering = ("onet_code",)
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(realistic__gte=1, realistic__lte=7)
                & Q(investigative__gte=1, investigative__lte=7)
                & Q(artistic__gte=1, artistic__lte=7)
                & Q(social__gte=1, social__lte=7)
                & Q(enterprising__gte=1, enterprising__lte=7)
                & Q(conventional__gte=1, conventional__lte=7),
                name="opportunities_onet_interest_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.onet_code} {self.title}"

    @property
    def levels(self) -> tuple[float, float, float, float, float, float]:
        """The six levels in RIASEC order."""
        return (
            self.realistic,
            self.investigative,
            self.artistic,
            self.social,
            self.enterprising,
            self.conventional,
        )


class CrosswalkMatch(models.TextChoices):
    # The crosswalk's O*NET-SOC 2010 code is also an O*NET 29.3 (SOC 2019) code.
    EXACT = "exact"  # onet_files.EXACT
    # The 2010 detailed code is gone; the same SOC code's main occupation (".00") is used.
    SOC_PARENT = "soc_parent"  # onet_files.SOC_PARENT


class EscoOnetLink(models.Model):
    """Nesta's ESCO occupation → O*NET-SOC crosswalk (Nov 2020), one row per ESCO occupation.

    `onet_code` is the code this installation's O*NET data holds (see `match`); occupations
    below a crosswalked one inherit its link through ESCO's broader relation at ranking time.
    """

    occupation_uri = models.CharField(max_length=URI_MAX, unique=True)
    onet_code = models.CharField(max_length=10)
    crosswalk_code = models.CharField(max_length=10)
    match = models.CharField(max_length=12, choices=CrosswalkMatch.choices)
    confidence = models.FloatField()
    imported_at = models.DateTimeField()

    class Meta:
        ordering = ("occupation_uri",)
        indexes: ClassVar = [models.Index(fields=("onet_code",), name="opportunities_link_onet")]

    def __str__(self) -> str:
        return f"{self.occupation_uri} → {self.onet_code}"


class TrainingNeedTask(models.Model):
    """A missing skill a coach turned into a task of a candidate's plan (one per skill)."""

    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.CASCADE, related_name="+"
    )
    skill = models.ForeignKey("taxonomy.Skill", on_delete=models.CASCADE, related_name="+")
    # Deleting the task from the plan frees the skill: it may be planned again.
    plan_item = models.OneToOneField(
        "programmes.PlanItem", on_delete=models.CASCADE, related_name="+"
    )
    created_by = models.ForeignKey(
        "tenancy.Membership", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("created_at", "pk")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=("programme", "skill"), name="opportunities_training_need_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.programme_id}: {self.skill_id}"
