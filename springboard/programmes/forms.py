from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from springboard.employers.models import Enrolment
from springboard.lib.dates import BoundedDateField
from springboard.programmes.engagement_settings import engagement_template_id
from springboard.programmes.models import (
    INTAKE_ANSWER_FIELDS,
    Intake,
    PlanItem,
    PlanItemKind,
    PlanPhase,
    Programme,
    ProgrammeStatus,
    ProgrammeTemplate,
    ProgrammeTemplateVersion,
)
from springboard.programmes.selectors import CASELOAD_SORTS
from springboard.programmes.services import TRANSITIONS
from springboard.tenancy.models import Agency, Membership
from springboard.tenancy.roles import Role

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class BootstrapMixin:
    """Bootstrap classes on every widget, so templates render fields with includes/field.html."""

    fields: dict[str, forms.Field]

    def _style(self) -> None:
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
                continue
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


class CoachesField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.display_name


def _coach_field() -> forms.ModelMultipleChoiceField:
    return CoachesField(
        label=_("Coaches"),
        queryset=Membership.objects.none(),
        to_field_name="public_id",
        widget=forms.CheckboxSelectMultiple,
    )


def _agency_coaches(agency: Agency) -> Any:
    return (
        Membership.objects.select_related("user")
        .filter(agency=agency, role=Role.COACH, is_active=True)
        .order_by("full_name", "user__email")
    )


class EnrolmentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.candidate.display_name} — {obj.engagement}"


class VersionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} (v{obj.number})"


class ProgrammeStartForm(BootstrapMixin, forms.Form):
    enrolment = EnrolmentChoiceField(
        label=_("Candidate (enrolment)"),
        queryset=Enrolment.objects.none(),
        to_field_name="public_id",
    )
    template_version = VersionChoiceField(
        label=_("Programme template"),
        queryset=ProgrammeTemplateVersion.objects.none(),
        to_field_name="public_id",
        required=False,
        help_text=_("Leave empty to use the template chosen for the engagement."),
    )
    coaches = _coach_field()
    start_date = BoundedDateField(label=_("Start date"), widget=_DATE)
    planned_end_date = BoundedDateField(
        label=_("Planned end date"),
        widget=_DATE,
        required=False,
        help_text=_("Leave empty to use the engagement's default duration."),
    )

    def __init__(
        self, *args: Any, agency: Agency, versions: list[ProgrammeTemplateVersion], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        enrolment = self.fields["enrolment"]
        assert isinstance(enrolment, forms.ModelChoiceField)
        # Choices start from the tenant: another agency's id is "not a valid choice".
        enrolment.queryset = (
            Enrolment.objects.select_related("candidate__user", "engagement__employer")
            .filter(agency=agency, programme__isnull=True, candidate__is_active=True)
            .order_by("candidate__full_name")
        )
        version = self.fields["template_version"]
        assert isinstance(version, forms.ModelChoiceField)
        version.queryset = ProgrammeTemplateVersion.objects.filter(pk__in=[v.pk for v in versions])
        self._newest_by_template = {v.template_id: v for v in versions}
        coaches = self.fields["coaches"]
        assert isinstance(coaches, forms.ModelMultipleChoiceField)
        coaches.queryset = _agency_coaches(agency)
        self._style()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        enrolment = cleaned.get("enrolment")
        if not cleaned.get("template_version") and enrolment is not None:
            # The template chosen for the engagement (programmes.EngagementProgramme), if any.
            chosen = engagement_template_id(enrolment.engagement_id)
            default = self._newest_by_template.get(chosen) if chosen is not None else None
            if default is None:
                self.add_error(
                    "template_version",
                    _("Choose a programme template: the engagement has none."),
                )
            else:
                cleaned["template_version"] = default
        start, end = cleaned.get("start_date"), cleaned.get("planned_end_date")
        if start and end and end < start:
            self.add_error(
                "planned_end_date", _("The end date must be on or after the start date.")
            )
        return cleaned


class CoachesForm(BootstrapMixin, forms.Form):
    coaches = _coach_field()

    def __init__(self, *args: Any, agency: Agency, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        coaches = self.fields["coaches"]
        assert isinstance(coaches, forms.ModelMultipleChoiceField)
        coaches.queryset = _agency_coaches(agency)


class TransitionForm(BootstrapMixin, forms.Form):
    to_status = forms.ChoiceField(label=_("New status"))
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=500,
        help_text=_("Required when extending the programme or when the candidate drops out."),
    )
    new_end_date = BoundedDateField(
        label=_("New end date"),
        required=False,
        widget=_DATE,
        help_text=_("Only when extending the programme."),
    )

    def __init__(self, *args: Any, current: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = TRANSITIONS.get(current, frozenset())
        to_status = self.fields["to_status"]
        assert isinstance(to_status, forms.ChoiceField)
        to_status.choices = [(s.value, s.label) for s in ProgrammeStatus if s.value in allowed]
        self._style()


def _intake_formfield(db_field: models.Field[Any, Any], **kwargs: Any) -> forms.Field | None:
    """The model field's form field, with the model's upper bound also on the widget (`max`)."""
    limits = [
        v.limit_value
        for v in db_field.validators
        if isinstance(v, MaxValueValidator) and isinstance(v.limit_value, int)
    ]
    if limits and isinstance(db_field, models.IntegerField):
        kwargs.setdefault("max_value", min(limits))
    return db_field.formfield(**kwargs)


class IntakeForm(BootstrapMixin, forms.ModelForm):
    """The intake's questions are the `Intake` model's answer fields; only the plan's language,
    which belongs to the programme, is declared here."""

    language = forms.ChoiceField(
        label=_("Language of the plan"),
        choices=settings.LANGUAGES,
        help_text=_("The plan's goals, phases and tasks are written in this language."),
    )
    field_order = ("language", *INTAKE_ANSWER_FIELDS)

    class Meta:
        model = Intake
        fields = INTAKE_ANSWER_FIELDS
        formfield_callback = _intake_formfield
        widgets: ClassVar = {"skills": forms.Textarea(attrs={"rows": 4})}
        help_texts: ClassVar = {
            "dismissal_processing": _(
                "With “No”, optional phases about processing the dismissal are left out."
            ),
            "pay_expectation": _("For example a monthly gross amount or a range."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style()

    def answers(self) -> Intake:
        """The answers as an unsaved `Intake` (call after `is_valid`)."""
        return self.instance


class PlanItemForm(BootstrapMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    title = forms.CharField(label=_("Title"), max_length=300)
    description = forms.CharField(
        label=_("Description"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    due_date = BoundedDateField(label=_("Due date"), required=False, widget=_DATE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style()


class PhaseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.title


class MilestoneChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.phase.title} — {obj.title}" if obj.phase else obj.title


class PlanItemAddForm(BootstrapMixin, forms.Form):
    """A new goal, milestone or task. Works without JavaScript: every field is shown, and the
    ones that belong to another kind are ignored (help texts say which is for which)."""

    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=PlanItemKind.choices,
        initial=PlanItemKind.TASK,
        widget=forms.RadioSelect,
    )
    title = forms.CharField(label=_("Title"), max_length=300)
    description = forms.CharField(
        label=_("Description"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    phase = PhaseChoiceField(
        label=_("Phase"),
        queryset=PlanPhase.objects.none(),
        to_field_name="public_id",
        required=False,
        help_text=_("For a milestone."),
    )
    milestone = MilestoneChoiceField(
        label=_("Milestone"),
        queryset=PlanItem.objects.none(),
        to_field_name="public_id",
        required=False,
        help_text=_("For a task: the milestone (and so the phase) it belongs to."),
    )
    due_date = BoundedDateField(
        label=_("Due date"),
        required=False,
        widget=_DATE,
        help_text=_("Required for a task."),
    )

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        phase = self.fields["phase"]
        assert isinstance(phase, forms.ModelChoiceField)
        phase.queryset = PlanPhase.objects.filter(programme=programme).order_by("position")
        milestone = self.fields["milestone"]
        assert isinstance(milestone, forms.ModelChoiceField)
        milestone.queryset = (
            PlanItem.objects.select_related("phase")
            .filter(programme=programme, kind=PlanItemKind.MILESTONE)
            .order_by("phase__position", "position", "pk")
        )
        self._style()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        kind = cleaned.get("kind")
        if kind == PlanItemKind.MILESTONE and not cleaned.get("phase"):
            self.add_error("phase", _("Choose the phase of this plan."))
        if kind == PlanItemKind.TASK:
            if not cleaned.get("milestone"):
                self.add_error("milestone", _("Choose the milestone this task belongs to."))
            if not cleaned.get("due_date") and "due_date" not in self.errors:
                self.add_error("due_date", _("A task needs a due date."))
        return cleaned


_SCORES = [(n, str(n)) for n in range(1, 6)]


def _score_field(label: Any) -> forms.TypedChoiceField:
    # Radio buttons with none chosen: a quick submit must not record the worst score.
    return forms.TypedChoiceField(
        label=label,
        choices=_SCORES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose an answer.")},
    )


class CheckInForm(BootstrapMixin, forms.Form):
    mood = _score_field(_("How is your mood this week? (1 = very low, 5 = very good)"))
    energy = _score_field(_("How is your energy? (1 = exhausted, 5 = full of energy)"))
    confidence = _score_field(
        _("How confident are you about the future? (1 = not at all, 5 = very)")
    )
    comment = forms.CharField(
        label=_("Anything you want your coach to know"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if any(name in self.errors for name in ("mood", "energy", "confidence")):
            raise forms.ValidationError(
                _("Answer all three questions before you send the check-in.")
            )
        return cleaned


class ConsentForm(forms.Form):
    agree = forms.BooleanField(
        label=_(
            "I agree that my answers to the weekly wellbeing check-in are stored and shown to my "
            "coaches. I can withdraw this at any time; my answers are then deleted."
        )
    )


class CaseloadFilterForm(BootstrapMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All open")), *ProgrammeStatus.choices]
    )
    risk = forms.BooleanField(label=_("Only candidates at risk"), required=False)
    sort = forms.ChoiceField(
        label=_("Sort"), required=False, choices=[(key, key) for key in CASELOAD_SORTS]
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style()


class TemplateChoiceField(forms.ModelChoiceField):
    """Programme templates by the name of their newest version, in the reader's language."""

    names: dict[int, str]

    def label_from_instance(self, obj: Any) -> str:
        return self.names.get(obj.pk, str(obj))


class EngagementTemplateForm(BootstrapMixin, forms.Form):
    template = TemplateChoiceField(
        label=_("Programme template"),
        queryset=ProgrammeTemplate.objects.none(),
        to_field_name="public_id",
        required=False,
        help_text=_("Used for programmes started for this engagement's candidates."),
    )

    def __init__(self, *args: Any, versions: list[ProgrammeTemplateVersion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        template = self.fields["template"]
        assert isinstance(template, TemplateChoiceField)
        # Only templates this agency can use (its own, and shipped ones it has not replaced).
        template.names = {v.template_id: str(v.name) for v in versions}
        template.queryset = ProgrammeTemplate.objects.filter(
            pk__in=[v.template_id for v in versions]
        ).order_by("key")
        self._style()


class PeopleField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        label = obj.candidate.display_name
        return f"{label} ({obj.employee_number})" if obj.employee_number else label


class BulkStartForm(BootstrapMixin, forms.Form):
    """Start programmes for the chosen people (all, unless unticked) in one step."""

    enrolments = PeopleField(
        label=_("People without a programme"),
        queryset=Enrolment.objects.none(),
        to_field_name="public_id",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one person.")},
    )
    template_version = VersionChoiceField(
        label=_("Programme template"),
        queryset=ProgrammeTemplateVersion.objects.none(),
        to_field_name="public_id",
        required=False,
        help_text=_("Leave empty to use the template chosen for the engagement."),
    )
    start_date = BoundedDateField(label=_("Start date"), widget=_DATE)
    coach_capacity = forms.IntegerField(
        label=_("Most running programmes per coach"),
        min_value=1,
        max_value=1000,
        help_text=_(
            "Coaches are assigned in turn, a coach who speaks the person's language first, "
            "until each has this many running programmes; the rest start without a coach."
        ),
    )

    def __init__(
        self,
        *args: Any,
        enrolments: Any,
        versions: list[ProgrammeTemplateVersion],
        engagement_template_id: int | None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        people = self.fields["enrolments"]
        assert isinstance(people, forms.ModelMultipleChoiceField)
        people.queryset = enrolments
        version = self.fields["template_version"]
        assert isinstance(version, forms.ModelChoiceField)
        version.queryset = ProgrammeTemplateVersion.objects.filter(pk__in=[v.pk for v in versions])
        newest = {v.template_id: v for v in versions}
        self.default_version = (
            newest.get(engagement_template_id) if engagement_template_id is not None else None
        )
        if self.default_version is None:
            version.required = True
            version.help_text = _("The engagement has no programme template: choose one.")
        self._style()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("template_version") and self.default_version is not None:
            cleaned["template_version"] = self.default_version
        return cleaned
