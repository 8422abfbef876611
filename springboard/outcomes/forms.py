from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from springboard.lib.dates import BoundedDateField
from springboard.outcomes.models import Contract, FoundVia, OutcomeKind, PayComparison
from springboard.outcomes.services import OutcomeDetails
from springboard.programmes.forms import BootstrapMixin
from springboard.taxonomy.models import Occupation

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
_YES_NO = [("", _("Choose…")), ("yes", _("Yes")), ("no", _("No"))]


def _yes_no(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


def _choices(choices: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    return [("", _("Choose…")), *choices]


class OutcomeForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Outcome"), choices=_choices(OutcomeKind.choices))
    start_date = BoundedDateField(
        label=_("Start date"),
        widget=_DATE,
        help_text=_("The first working day, or the day the outcome took effect."),
    )
    employer_name = forms.CharField(label=_("New employer"), max_length=200, required=False)
    occupation = forms.CharField(
        label=_("Occupation (ESCO)"),
        max_length=300,
        required=False,
        help_text=_("The ESCO occupation's name or address, e.g. “software developer”."),
    )
    same_occupation = forms.ChoiceField(
        label=_("Same occupation as before?"), choices=_YES_NO, required=False
    )
    contract = forms.ChoiceField(
        label=_("Contract"), choices=_choices(Contract.choices), required=False
    )
    hours_per_week = forms.IntegerField(
        label=_("Hours per week"), min_value=1, max_value=80, required=False
    )
    pay_compared = forms.ChoiceField(
        label=_("Pay compared with before"), choices=_choices(PayComparison.choices), required=False
    )
    found_via = forms.ChoiceField(
        label=_("Found via"), choices=_choices(FoundVia.choices), required=False
    )
    note = forms.CharField(
        label=_("Note for the agency"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Seen by the candidate, their coaches and the agency; never by the employer."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style()

    def clean_occupation(self) -> Occupation | None:
        text = self.cleaned_data.get("occupation", "").strip()
        if not text:
            return None
        match = (
            Occupation.objects.filter(
                Q(uri=text)
                | Q(names__en__iexact=text)
                | Q(names__da__iexact=text)
                | Q(names__nl__iexact=text)
                | Q(names__nb__iexact=text)
            )
            .order_by("pk")
            .first()
        )
        if match is None:
            raise forms.ValidationError(_("No ESCO occupation has this name or address."))
        return match

    def details(self) -> OutcomeDetails:
        data = self.cleaned_data
        return OutcomeDetails(
            kind=data["kind"],
            start_date=data["start_date"],
            employer_name=data.get("employer_name", ""),
            occupation=data.get("occupation"),
            same_occupation=_yes_no(data.get("same_occupation", "")),
            contract=data.get("contract", ""),
            hours_per_week=data.get("hours_per_week"),
            pay_compared=data.get("pay_compared", ""),
            found_via=data.get("found_via", ""),
            note=data.get("note", ""),
        )


class CheckInAnswerForm(BootstrapMixin, forms.Form):
    in_work = forms.ChoiceField(label=_("Are you still in work?"), choices=_YES_NO)
    same_employer = forms.ChoiceField(
        label=_("With the same employer as when you started?"), choices=_YES_NO, required=False
    )
    satisfaction = forms.TypedChoiceField(
        label=_("How satisfied are you with the support you had? (1 = not at all, 5 = very)"),
        choices=[("", _("Choose…")), *((str(n), str(n)) for n in range(1, 6))],
        coerce=int,
        empty_value=None,
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style()

    def answers(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "in_work": data["in_work"] == "yes",
            "same_employer": _yes_no(data.get("same_employer", "")),
            "satisfaction": data.get("satisfaction"),
        }


class PeriodForm(BootstrapMixin, forms.Form):
    """The dashboard's filter: programmes that started in a period."""

    start_from = BoundedDateField(label=_("Started from"), widget=_DATE, required=False)
    start_to = BoundedDateField(label=_("Started until"), widget=_DATE, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start_from"), cleaned.get("start_to")
        if start and end and end < start:
            self.add_error("start_to", _("The end of the period must be after its start."))
        return cleaned


class InvoicingPeriodForm(BootstrapMixin, forms.Form):
    """The invoicing page's period: both ends required, at most ten years apart."""

    day_from = BoundedDateField(label=_("From"), widget=_DATE)
    day_to = BoundedDateField(label=_("Until"), widget=_DATE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("day_from"), cleaned.get("day_to")
        if start and end and end < start:
            self.add_error("day_to", _("The end of the period must be after its start."))
        elif start and end and (end - start).days > 3660:
            self.add_error("day_to", _("Choose a period of at most ten years."))
        return cleaned
