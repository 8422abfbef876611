"""First-contact message templates, one per language; the candidate edits the text before saving.

These are content, not interface strings: each carries its own four texts, and the candidate may
write to a contact in another language than the one they use the site in.
"""

from __future__ import annotations

FIRST_CONTACT: dict[str, str] = {
    "en": (
        "Dear {contact},\n\n"
        "I hope you are well. As you may know, my time at my last employer has come to an end, "
        "and I am now looking for my next role.\n\n"
        "I would value your view on {company_or_field}. Would you have 20 minutes for a short "
        "conversation in the coming weeks? I am not asking you for a job, but for your advice "
        "and perhaps a name or two of people I should talk to.\n\n"
        "Kind regards,\n{me}"
    ),
    "nl": (
        "Beste {contact},\n\n"
        "Ik hoop dat het goed met je gaat. Misschien heb je gehoord dat mijn tijd bij mijn "
        "vorige werkgever erop zit; ik ben nu op zoek naar een nieuwe baan.\n\n"
        "Ik zou graag je kijk horen op {company_or_field}. Heb je de komende weken twintig "
        "minuten voor een kort gesprek? Ik vraag je niet om een baan, maar om advies en "
        "misschien een of twee namen van mensen met wie ik zou moeten praten.\n\n"
        "Met vriendelijke groet,\n{me}"
    ),
    "da": (
        "Kære {contact}\n\n"
        "Jeg håber, du har det godt. Som du måske ved, er min tid hos min tidligere "
        "arbejdsgiver slut, og jeg søger nu mit næste job.\n\n"
        "Jeg vil sætte stor pris på at høre din vurdering af {company_or_field}. Har du 20 "
        "minutter til en kort snak i de kommende uger? Jeg beder dig ikke om et job, men om et "
        "råd og måske et navn eller to på nogen, jeg bør tale med.\n\n"
        "Venlig hilsen\n{me}"
    ),
    "nb": (
        "Hei {contact}\n\n"
        "Jeg håper alt står bra til. Som du kanskje vet, er tiden min hos min forrige "
        "arbeidsgiver over, og jeg ser nå etter en ny jobb.\n\n"
        "Jeg vil gjerne høre hva du tenker om {company_or_field}. Har du 20 minutter til en kort "
        "prat i løpet av de neste ukene? Jeg ber deg ikke om en jobb, men om råd og kanskje et "
        "navn eller to på folk jeg burde snakke med.\n\n"
        "Vennlig hilsen\n{me}"
    ),
}

FIELD_WORDS = {
    "en": "your field",
    "nl": "jouw vakgebied",
    "da": "din branche",
    "nb": "bransjen din",
}


def first_contact_text(language: str, *, contact: str, company: str, me: str) -> str:
    template = FIRST_CONTACT.get(language, FIRST_CONTACT["en"])
    return template.format(
        contact=contact, company_or_field=company or FIELD_WORDS.get(language, "your field"), me=me
    )
