"""Demo CVs and letters for `springboard demo-data`: for each demo candidate with a profile, a
CV built from it in the candidate's language with a second, edited version, a coach's comment
when the candidate has a coach, and a cover letter. Running it again changes nothing for a
candidate who already has a CV.
"""

from __future__ import annotations

from collections.abc import Sequence

from springboard.cvs.models import Cv, Design
from springboard.cvs.services import (
    comment_add,
    content_from_profile,
    cv_create,
    cv_version_save,
    letter_create,
)
from springboard.programmes.selectors import coaches_of, current_programme_of
from springboard.tenancy.models import Agency, Membership

SUMMARIES = {
    "en": "Dependable team lead who keeps people and goods moving; calm under pressure.",
    "nl": "Betrouwbare teamleider die mensen en goederen in beweging houdt; rustig onder druk.",
    "da": "Pålidelig teamleder, der holder folk og varer i gang; rolig under pres.",
    "nb": "Pålitelig teamleder som holder folk og varer i flyt; rolig under press.",
}
LETTERS = {
    "en": ("Application", "Dear hiring manager,\n\nI am applying for the position because…"),
    "nl": ("Sollicitatie", "Geachte heer, mevrouw,\n\nGraag solliciteer ik naar de functie omdat…"),
    "da": ("Ansøgning", "Kære ansættelsesansvarlige\n\nJeg søger stillingen, fordi …"),
    "nb": ("Søknad", "Hei,\n\nJeg søker stillingen fordi …"),
}
COMMENTS = {
    "en": "Good start. Put a number on the results of your last job.",
    "nl": "Goed begin. Maak de resultaten van je laatste baan concreet met cijfers.",
    "da": "God start. Sæt tal på resultaterne fra dit seneste job.",
    "nb": "God start. Sett tall på resultatene fra den siste jobben din.",
}


def cvs_demo(agency: Agency, candidates: Sequence[Membership]) -> None:
    for candidate in candidates:
        if candidate.agency_id != agency.pk or Cv.objects.filter(candidate=candidate).exists():
            continue
        language = candidate.language if candidate.language in SUMMARIES else "en"
        content = content_from_profile(candidate, language=language, picked=None)
        if not any(section["items"] for section in content["sections"]):
            continue  # no profile yet: nothing to build from
        cv = cv_create(
            candidate=candidate,
            saved_by=candidate,
            title="CV",
            language=language,
            design=Design.CLASSIC,
            content=content,
        )
        content["basics"]["summary"] = SUMMARIES[language]
        version = cv_version_save(cv=cv, saved_by=candidate, base_number=1, content=content)
        programme = current_programme_of(candidate)
        coaches = coaches_of(programme) if programme is not None else []
        if coaches:
            comment_add(version=version, author=coaches[0], text=COMMENTS[language])
        subject, body = LETTERS[language]
        letter_create(
            candidate=candidate,
            saved_by=candidate,
            title=subject,
            language=language,
            design=Design.CLASSIC,
            content={"recipient": "", "subject": subject, "body": body},
        )
