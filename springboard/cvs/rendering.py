"""PDF (Typst), DOCX (python-docx) and file names for CVs and letters.

Both formats draw the render model of `content.py`, as the HTML preview does, so the three show
the same headings in the same order. Fonts come from Debian's DejaVu and Liberation packages
(system fonts are ignored, so a machine's extra fonts never change the output, and nothing is
fetched). One Typst compiler per design is kept warm: the fonts are loaded once per process.
"""

from __future__ import annotations

import io
import json
import re
import threading
import unicodedata
from datetime import date
from pathlib import Path
from typing import Any

import typst
from django.utils import formats, translation
from docx import Document
from docx.enum.text import WD_TAB_ALIGNMENT
from docx.shared import Cm, Pt

from springboard.cvs.content import RenderModel

TYPST_DIR = Path(__file__).resolve().parent / "typst"
FONT_DIRS = [
    "/usr/share/fonts/truetype/dejavu",
    "/usr/share/fonts/truetype/liberation",
]
DESIGN_FILES = ("classic", "modern", "compact", "letter")
DOCX_FONTS = {"classic": "DejaVu Serif", "modern": "Liberation Sans", "compact": "DejaVu Sans"}

_compilers: dict[str, Any] = {}
_lock = threading.Lock()


def _compiler(design: str) -> Any:
    if design not in DESIGN_FILES:
        design = "classic"
    compiler = _compilers.get(design)
    if compiler is None:
        compiler = typst.Compiler(
            str(TYPST_DIR / f"{design}.typ"),
            root=str(TYPST_DIR),
            font_paths=[path for path in FONT_DIRS if Path(path).is_dir()],
            ignore_system_fonts=True,
        )
        _compilers[design] = compiler
    return compiler


def typst_pdf(design: str, data: dict[str, Any]) -> bytes:
    with _lock:
        pdf = _compiler(design).compile(sys_inputs={"data": json.dumps(data)})
    assert isinstance(pdf, bytes)
    return pdf


def cv_pdf(model: RenderModel, design: str) -> bytes:
    return typst_pdf(design, model.as_json())


def letter_data(
    *, name: str, contact: list[str], content: dict[str, str], language: str, day: date
) -> dict[str, Any]:
    with translation.override(language):
        dated = formats.date_format(day, "DATE_FORMAT")
    return {
        "lang": language,
        "name": name,
        "contact": contact,
        "recipient": content.get("recipient", ""),
        "subject": content.get("subject", ""),
        "body": content.get("body", ""),
        "date": dated,
    }


def letter_pdf(data: dict[str, Any]) -> bytes:
    return typst_pdf("letter", data)


def _docx_bytes(document: Any) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _docx_base(font: str, language: str) -> Any:
    document = Document()
    style = document.styles["Normal"]
    style.font.name = font
    style.font.size = Pt(10.5)
    for section in document.sections:
        section.left_margin = section.right_margin = Cm(1.8)
    document.core_properties.language = language
    return document


def cv_docx(model: RenderModel, design: str) -> bytes:
    """Word's own headings and lists, one column, no tables or text boxes (ATS-friendly)."""
    document = _docx_base(DOCX_FONTS.get(design, "DejaVu Sans"), model.language)
    document.core_properties.title = model.name
    document.add_heading(model.name, level=1)
    if model.headline:
        document.add_paragraph(model.headline)
    if model.contact:
        document.add_paragraph("  ·  ".join(model.contact))
    if model.summary:
        document.add_heading(model.summary_heading, level=2)
        document.add_paragraph(model.summary)
    for section in model.sections:
        document.add_heading(section.heading, level=2)
        for item in section.items:
            paragraph = document.add_paragraph()
            head = ", ".join(part for part in (item.title, item.organisation) if part)
            paragraph.add_run(head).bold = True
            if item.period:
                paragraph.paragraph_format.tab_stops.add_tab_stop(Cm(17.4), WD_TAB_ALIGNMENT.RIGHT)
                paragraph.add_run(f"\t{item.period}")
            if item.location:
                document.add_paragraph(item.location).runs[0].italic = True
            if item.text:
                document.add_paragraph(item.text)
            for highlight in item.highlights:
                document.add_paragraph(highlight, style="List Bullet")
    return _docx_bytes(document)


def letter_docx(data: dict[str, Any]) -> bytes:
    document = _docx_base("Liberation Serif", data["lang"])
    document.core_properties.title = data["subject"]
    document.add_paragraph().add_run(data["name"]).bold = True
    if data["contact"]:
        document.add_paragraph("  ·  ".join(data["contact"]))
    if data["recipient"]:
        document.add_paragraph(data["recipient"])
    document.add_paragraph(data["date"])
    if data["subject"]:
        document.add_paragraph().add_run(data["subject"]).bold = True
    for paragraph in data["body"].split("\n\n"):
        if paragraph.strip():
            document.add_paragraph(paragraph.strip())
    return _docx_bytes(document)


def safe_file_name(title: str, number: int, extension: str) -> str:
    """ASCII letters, digits and dashes only (no path, quote or header tricks), never empty."""
    folded = unicodedata.normalize("NFKD", title.replace("ø", "o").replace("Ø", "O"))
    folded = folded.replace("æ", "ae").replace("Æ", "Ae").replace("ĳ", "ij").replace("Ĳ", "IJ")
    ascii_only = folded.encode("ascii", "ignore").decode()
    stem = re.sub(r"[^A-Za-z0-9]+", "-", ascii_only).strip("-")[:60] or "document"
    return f"{stem}-v{number}.{extension}"
