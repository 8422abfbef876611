"""Forms of CVs and letters.

The CV editor posts a variable number of entries, so its content is read by `editor_content`
rather than a Django form: fields named `basics-<field>`, `section-<i>-kind`/`-order` and
`s<i>-<j>-<field>`/`-order`/`-remove` (highlights one per line). Orders are numbers the
candidate types or changes with the move buttons; entries are sorted by them on save.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.conf import settings
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from springboard.cvs.content import (
    BASICS_FIELDS,
    ITEM_FIELDS,
    MAX_HIGHLIGHTS,
    MAX_ITEMS,
    SECTION_KINDS,
)
from springboard.cvs.models import Cv
from springboard.cvs.services.documents import LETTER_LIMITS
from springboard.programmes.forms import BootstrapMixin


class CvSettingsForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Cv
        fields: ClassVar = ["title", "target_role", "language", "design"]
        help_texts: ClassVar = {
            "target_role": _("The job this CV is written for; keep one CV per kind of job."),
            "language": _("Headings and dates of the CV are written in this language."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style()


class CvCreateForm(CvSettingsForm):
    """A new CV: its settings and which profile entries to start from."""

    picks = forms.MultipleChoiceField(
        label=_("Entries from your profile"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, picks: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["picks"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = picks
        if not self.is_bound:
            self.initial["picks"] = [key for key, _label in picks]


class LetterForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label=_("Name of this letter"), max_length=120)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    recipient = forms.CharField(
        label=_("To"),
        max_length=LETTER_LIMITS["recipient"],
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Name, organisation and address, one per line."),
    )
    subject = forms.CharField(
        label=_("Subject"), max_length=LETTER_LIMITS["subject"], required=False
    )
    body = forms.CharField(
        label=_("Letter"),
        max_length=LETTER_LIMITS["body"],
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text=_("Leave an empty line between paragraphs."),
    )
    vacancy_ref = forms.UUIDField(widget=forms.HiddenInput, required=False)
    base_number = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style()

    def content(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] for name in ("recipient", "subject", "body")}


class CommentForm(BootstrapMixin, forms.Form):
    text = forms.CharField(
        label=_("Comment"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style()


class JsonResumeUploadForm(BootstrapMixin, forms.Form):
    file = forms.FileField(label=_("JSON Resume file"), help_text=_("A .json file, at most 1 MB."))
    language = forms.ChoiceField(label=_("Language of the CV"), choices=settings.LANGUAGES)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style()


class LinkedInImportForm(BootstrapMixin, forms.Form):
    file = forms.FileField(
        label=_("LinkedIn data export (ZIP)"),
        help_text=_("The ZIP file LinkedIn sends you; at most 20 MB."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style()


def _order(data: QueryDict, name: str, fallback: int) -> int:
    try:
        return int(data.get(name, ""))
    except ValueError:
        return fallback


def editor_content(data: QueryDict) -> dict[str, Any]:
    """The editor's post as raw content (still to be cleaned by `content.clean_content`)."""
    basics = {name: data.get(f"basics-{name}", "") for name in BASICS_FIELDS}
    sections: list[tuple[int, int, dict[str, Any]]] = []
    for index in range(len(SECTION_KINDS)):
        kind = data.get(f"section-{index}-kind", "")
        if kind not in SECTION_KINDS:
            continue
        items: list[tuple[int, int, dict[str, Any]]] = []
        count = min(_order(data, f"s{index}-count", 0), MAX_ITEMS + 1)
        for position in range(max(count, 0)):
            prefix = f"s{index}-{position}"
            if data.get(f"{prefix}-remove"):
                continue
            item: dict[str, Any] = {name: data.get(f"{prefix}-{name}", "") for name in ITEM_FIELDS}
            lines = data.get(f"{prefix}-highlights", "").splitlines()
            item["highlights"] = [line for line in lines if line.strip()][: MAX_HIGHLIGHTS + 1]
            items.append((_order(data, f"{prefix}-order", position + 1), position, item))
        items.sort(key=lambda row: (row[0], row[1]))
        sections.append(
            (
                _order(data, f"section-{index}-order", index + 1),
                index,
                {"kind": kind, "items": [item for _o, _p, item in items]},
            )
        )
    sections.sort(key=lambda row: (row[0], row[1]))
    return {"basics": basics, "sections": [section for _o, _p, section in sections]}


def editor_move(data: QueryDict) -> QueryDict:
    """Apply a "move up/down" button (`move=s<i>-<j>-up`) to the posted orders: the entry swaps
    places with its neighbour. Returns a copy; the editor is shown again, nothing saved."""
    moved = data.copy()
    target = data.get("move", "")
    parts = target.split("-")
    if len(parts) != 3 or parts[2] not in {"up", "down"} or not parts[0].startswith("s"):
        return moved
    section, position = parts[0], parts[1]
    count = min(_order(data, f"{section}-count", 0), MAX_ITEMS + 1)
    keys = sorted(
        range(max(count, 0)), key=lambda p: (_order(data, f"{section}-{p}-order", p + 1), p)
    )
    if not position.isdigit() or int(position) not in keys:
        return moved
    at = keys.index(int(position))
    other = at - 1 if parts[2] == "up" else at + 1
    if 0 <= other < len(keys):
        keys[at], keys[other] = keys[other], keys[at]
    for rank, p in enumerate(keys, start=1):
        moved[f"{section}-{p}-order"] = str(rank)
    return moved
