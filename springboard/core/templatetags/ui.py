"""Template helpers for the UI shell."""

from __future__ import annotations

from django import forms, template
from django.utils.safestring import SafeString

register = template.Library()


@register.filter
def bootstrap_widget(field: forms.BoundField) -> SafeString:
    """Render a form field's widget with Bootstrap's classes and its error/help references."""
    widget = field.field.widget
    if isinstance(widget, forms.CheckboxInput | forms.RadioSelect | forms.CheckboxSelectMultiple):
        css = "form-check-input"
    elif isinstance(widget, forms.Select | forms.SelectMultiple):
        css = "form-select"
    else:
        css = "form-control"
    attrs: dict[str, str | bool] = {}
    if not isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        attrs["class"] = f"{css} is-invalid" if field.errors else css
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}-help")
    if field.errors:
        attrs["aria-invalid"] = "true"
        described.append(f"{field.auto_id}-error")
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return field.as_widget(attrs=attrs)


@register.filter
def is_single_checkbox(field: forms.BoundField) -> bool:
    return isinstance(field.field.widget, forms.CheckboxInput)


@register.filter
def is_choice_list(field: forms.BoundField) -> bool:
    return isinstance(field.field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple)
