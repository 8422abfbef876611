"""The range of dates Springboard accepts from people and API clients, for every date input.

Python dates run from year 1 to year 9999, but the code around an input does arithmetic on it
(a notice date minus the checklist's lead days, a `since` filter turned into an aware datetime and
then into UTC, an end date N months after a start): at the edges of Python's range that overflows
and becomes a 500. No notice, programme or audit event of an outplacement agency lies outside
1900..2200, so every form date field (`BoundedDateField`) and every API date (`ApiDate`) is
refused outside that range with a clear message, and arithmetic of a year or two either way
stays far from the limits.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from pydantic import BeforeValidator, Field

EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2200, 12, 31)

DATE_OUT_OF_RANGE = _("Enter a date between %(earliest)s and %(latest)s.")


def validate_date_in_range(value: date) -> None:
    """Django validator: `value` lies within EARLIEST_DATE..LATEST_DATE."""
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise ValidationError(
            DATE_OUT_OF_RANGE,
            code="date_out_of_range",
            params={"earliest": EARLIEST_DATE.isoformat(), "latest": LATEST_DATE.isoformat()},
        )


class BoundedDateField(forms.DateField):
    """A form date field limited to the accepted range; the browser's date picker is told too."""

    default_validators = [validate_date_in_range]

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        if isinstance(widget, forms.DateInput):
            attrs.setdefault("min", EARLIEST_DATE.isoformat())
            attrs.setdefault("max", LATEST_DATE.isoformat())
        return attrs


def validate_datetime_in_range(value: datetime) -> None:
    validate_date_in_range(value.date())


class BoundedDateTimeField(forms.DateTimeField):
    """A form date-and-time field whose date lies within the accepted range."""

    default_validators = [validate_datetime_in_range]

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        if isinstance(widget, forms.DateTimeInput):
            attrs.setdefault("min", f"{EARLIEST_DATE.isoformat()}T00:00")
            attrs.setdefault("max", f"{LATEST_DATE.isoformat()}T23:59")
        return attrs


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_date_only(value: Any) -> Any:
    """Pydantic reads a number as a Unix time ("-1.3e-103" becomes 1970-01-01): an API date is
    written YYYY-MM-DD, and anything else is refused like any other invalid input."""
    if isinstance(value, int | float) or (
        isinstance(value, str) and not _ISO_DATE.fullmatch(value)
    ):
        raise ValueError("Enter the date as YYYY-MM-DD.")
    return value


# An API date input: outside the range it is a 422 naming the field, like any invalid input.
ApiDate = Annotated[
    date,
    BeforeValidator(_iso_date_only),
    Field(
        ge=EARLIEST_DATE,
        le=LATEST_DATE,
        description=f"A date from {EARLIEST_DATE.isoformat()} to {LATEST_DATE.isoformat()}.",
    ),
]
