from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from springboard.tenancy.models import Agency, Employer
from springboard.tenancy.roles import INVITABLE_ROLES, Role
from springboard.tenancy.selectors import MEMBER_SORTS


class EmployerChoiceMixin(forms.Form):
    employer = forms.ModelChoiceField(
        label=_("Employer"),
        queryset=Employer.objects.none(),
        required=False,
        help_text=_("Only for employer contacts."),
    )

    def __init__(self, *args: Any, agency: Agency, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        employer_field = self.fields["employer"]
        assert isinstance(employer_field, forms.ModelChoiceField)
        # Choices start from the tenant: another agency's employer id is "not a valid choice".
        employer_field.queryset = Employer.objects.filter(agency=agency)
        employer_field.to_field_name = "public_id"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("role") == Role.EMPLOYER_CONTACT and not cleaned.get("employer"):
            self.add_error("employer", _("Choose the employer this contact works for."))
        return cleaned


class InviteForm(EmployerChoiceMixin):
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    full_name = forms.CharField(label=_("Full name"), max_length=200, required=False)
    role = forms.ChoiceField(
        label=_("Role"), choices=[(r.value, r.label) for r in INVITABLE_ROLES], initial=Role.COACH
    )
    language = forms.ChoiceField(label=_("Language of the invitation"), choices=settings.LANGUAGES)

    field_order = ("email", "full_name", "role", "employer", "language")


class RoleForm(EmployerChoiceMixin):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)

    field_order = ("role", "employer")


class MemberFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    role = forms.ChoiceField(
        label=_("Role"), required=False, choices=[("", _("All roles")), *Role.choices]
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), ("active", _("Active")), ("inactive", _("Deactivated"))],
    )
    sort = forms.ChoiceField(
        label=_("Sort"), required=False, choices=[(key, key) for key in MEMBER_SORTS]
    )
