"""Which occupations count as "self-employment is common" — a rule read from the data we have.

No dataset here states how often people in an occupation work on their own account (O*NET's
Work Context "self-employed" figures are not among the files, and ESCO records no employment
status). What ESCO does carry is text: the descriptions of ISCO-08 groups and of occupations,
and ISCO-08 says it in so many words for some groups — major group 7 "Self-employed craft and
related trades workers, who operate their own businesses…", unit group 5221 shopkeepers who
"operate small retail shops either independently…", and so on.

The rule: an occupation is listed when its own English ESCO description, or the description of
its ISCO-08 group or of any group above it, contains one of :data:`PHRASES`. The page says
so in one sentence, so nobody takes the list for a statistic.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

PHRASES = (
    "self-employed",
    "self-employment",
    "freelance",
    "own business",
    "own businesses",
    "own account",
    "own-account",
    "either independently",
    "entrepreneur",
)
_PATTERN = re.compile("|".join(re.escape(p) for p in PHRASES), re.IGNORECASE)


def mentions_self_employment(text: str) -> bool:
    return bool(_PATTERN.search(text or ""))


def any_mentions_self_employment(texts: Iterable[str]) -> bool:
    return any(mentions_self_employment(text) for text in texts)
