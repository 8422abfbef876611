"""What a person is shown when asked for each purpose, with its version.

The version is stored on every grant and withdrawal: when a wording changes in substance, raise
its version, so that what each person agreed to stays provable.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from springboard.privacy.models.consents import ConsentPurpose


@dataclass(frozen=True)
class Wording:
    version: str
    text: str | Promise


WORDINGS: dict[str, Wording] = {
    ConsentPurpose.WELLBEING: Wording(
        "1",
        _(
            "I agree that my answers to the weekly wellbeing check-in are stored and shown to my "
            "coaches. I can withdraw this at any time; my answers are then deleted."
        ),
    ),
    ConsentPurpose.SHARE_NETWORK: Wording(
        "1",
        _(
            "The coaches of my programme may see my contacts, my network map and my contacts' "
            "details, to help me plan whom to approach. I can stop sharing at any time."
        ),
    ),
    ConsentPurpose.EMPLOYER_NAMED_REPORTING: Wording(
        "1",
        _("My former employer may see the status of my programme (not its content)."),
    ),
}


def wording_of(purpose: str) -> Wording:
    return WORDINGS[purpose]
