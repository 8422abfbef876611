"""Rendering: every design in every language gives selectable PDF text and DOCX paragraphs with
the content, localised headings and dates, and æ ø å ĳ intact; safe file names; the P7 CV is
two pages."""

from __future__ import annotations

import datetime
import io
import re

import docx
import pypdf
import pytest

from bench.p7_cv_render import two_page_content
from springboard.cvs.content import EN_DASH, ContentError, clean_content, render_model
from springboard.cvs.models import Design
from springboard.cvs.rendering import (
    cv_docx,
    cv_pdf,
    letter_data,
    letter_docx,
    letter_pdf,
    safe_file_name,
)

CONTENT = {
    "basics": {"name": "Åse Bjørnæs-Ĳsselmeer", "summary": "Ærlig, rolig og grundig."},
    "sections": [
        {
            "kind": "work",
            "items": [
                {
                    "title": "Lagerleder",
                    "organisation": "Nordlager",
                    "start": "2019-03",
                    "highlights": ["Økte presisjonen til 98 %"],
                }
            ],
        },
        {"kind": "languages", "items": [{"title": "Norsk", "text": "C2"}]},
    ],
}
EXPECTED = {
    "en": ("Work experience", "March 2019", "present"),
    "nl": ("Werkervaring", "maart 2019", "heden"),
    "da": ("Erhvervserfaring", "marts 2019", "nu"),
    "nb": ("Arbeidserfaring", "mars 2019", "nå"),
}


def _pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)


@pytest.mark.parametrize("design", Design.values)
@pytest.mark.parametrize("language", list(EXPECTED))
def test_pdf_and_docx_hold_the_content_in_each_language(design: str, language: str) -> None:
    model = render_model(clean_content(CONTENT), language)
    heading, month, present = EXPECTED[language]
    text = _pdf_text(cv_pdf(model, design))
    for expected in (
        "Åse Bjørnæs-Ĳsselmeer",
        "Ærlig, rolig og grundig.",
        heading.upper(),
        f"{month}{EN_DASH}{present}",
        "Økte presisjonen til 98 %",
        "Norsk",
    ):
        assert expected in text, (expected, text)
    paragraphs = "\n".join(
        p.text for p in docx.Document(io.BytesIO(cv_docx(model, design))).paragraphs
    )
    for expected in ("Åse Bjørnæs-Ĳsselmeer", heading, month, "Økte presisjonen til 98 %"):
        assert expected in paragraphs


def test_letter_in_danish() -> None:
    data = letter_data(
        name="Åse",
        contact=["aase@example.dk"],
        content={"recipient": "Nordlager", "subject": "Ansøgning", "body": "Kære Ærø\n\nTak."},
        language="da",
        day=datetime.date(2026, 3, 5),
    )
    text = _pdf_text(letter_pdf(data))
    assert "Kære Ærø" in text
    assert "marts" in text
    assert "Kære Ærø" in "\n".join(
        p.text for p in docx.Document(io.BytesIO(letter_docx(data))).paragraphs
    )


def test_text_is_not_markup() -> None:
    """Typst markup in the content is printed as typed, never evaluated."""
    content = {"basics": {"name": '#panic("x") *bold* $x$ <y> @z', "summary": "= Heading"}}
    text = _pdf_text(cv_pdf(render_model(clean_content(content), "en"), "classic"))
    assert '#panic("x") *bold* $x$ <y> @z' in text


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Bjørn's CV / Ærø ĳs", "Bjorn-s-CV-Aero-ijs-v3.pdf"),
        ('../../etc/passwd"\r\n', "etc-passwd-v3.pdf"),
        ("", "document-v3.pdf"),
    ],
)
def test_file_names_are_safe(title: str, expected: str) -> None:
    name = safe_file_name(title, 3, "pdf")
    assert name == expected
    assert re.fullmatch(r"[A-Za-z0-9-]+-v3\.pdf", name)


@pytest.mark.parametrize(
    ("content", "path"),
    [
        ({"basics": {"name": 5}}, "$.basics.name"),
        ({"sections": [{"kind": "hobbies"}]}, "$.sections[0].kind"),
        (
            {"sections": [{"kind": "work", "items": [{"start": "2020", "end": "2019"}]}]},
            "$.sections[0].items[0].end",
        ),
    ],
)
def test_bad_content_names_the_path(content: dict, path: str) -> None:
    with pytest.raises(ContentError) as error:
        clean_content(content)
    assert error.value.path == path


def test_the_benchmark_cv_is_two_pages() -> None:
    model = render_model(clean_content(two_page_content()), "nb")
    pdf = cv_pdf(model, "classic")
    assert len(pypdf.PdfReader(io.BytesIO(pdf)).pages) == 2
