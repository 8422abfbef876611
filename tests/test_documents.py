"""Reading uploaded CVs (springboard.lib.documents): good files in every supported shape, and
hostile or broken files, each refused with its own code and a sentence, within time and memory."""

from __future__ import annotations

import random
import time
import tracemalloc
import zipfile
from collections.abc import Callable
from typing import get_args

import pytest
from django.utils import translation

from springboard.lib import documents
from springboard.lib.documents import (
    MAX_UPLOAD_BYTES,
    DocumentRejected,
    RejectionCode,
    document_text,
    rejection_message,
    sniff_kind,
    type_mismatch_message,
)
from tests import document_corpus as corpus

DASH = "\u2013"  # en dash, as word processors write date ranges
CV_EN = ["Jane Doe", "Experience", f"2015 {DASH} 2019\tDeveloper, Acme Ltd"]
CV_DA = ["Søren Østergård", "Erhvervserfaring", "marts 2016 - nu\tLærer, Åby Skole"]
CV_DA_TEXT = "\n".join(CV_DA)

MEMORY_BOUND = 100 * 1024 * 1024
TIME_BOUND = 5.0


def assert_bounded(read: Callable[[], object]) -> None:
    """`read` runs within TIME_BOUND seconds and MEMORY_BOUND bytes at peak. Timed in a run of
    its own: tracemalloc slows allocation-heavy Python code (pypdf's parser) several times."""
    started = time.perf_counter()
    read()
    elapsed = time.perf_counter() - started
    assert elapsed < TIME_BOUND, f"took {elapsed:.1f} s"
    tracemalloc.start()
    try:
        read()
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < MEMORY_BOUND, f"peak {peak / 1e6:.0f} MB"


# Good files ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("build", "kind"),
    [
        pytest.param(lambda: CV_DA_TEXT.encode(), "txt", id="utf-8"),
        pytest.param(lambda: ("\ufeff" + CV_DA_TEXT).encode(), "txt", id="utf-8 with BOM"),
        pytest.param(lambda: CV_DA_TEXT.encode("utf-16"), "txt", id="utf-16 with BOM"),
        pytest.param(lambda: CV_DA_TEXT.encode("utf-16-be"), None, id="utf-16 without BOM"),
        pytest.param(lambda: CV_DA_TEXT.encode("cp1252"), "txt", id="cp1252"),
        pytest.param(lambda: corpus.docx(CV_DA), "docx", id="docx"),
        pytest.param(lambda: corpus.odt(CV_DA), "odt", id="odt"),
        pytest.param(lambda: corpus.pdf([CV_DA]), "pdf", id="pdf"),
        pytest.param(lambda: b"\n\n%% junk\n" + corpus.pdf([CV_DA]), "pdf", id="pdf after junk"),
    ],
)
def test_supported_files_are_read_by_content(build: Callable[[], bytes], kind: str | None) -> None:
    data = build()
    assert sniff_kind(data) == kind
    if kind is None:
        with pytest.raises(DocumentRejected) as refused:
            document_text(data, filename="cv.txt")
        assert refused.value.code == "unknown_type"
        return
    # The name says nothing about the type: a misleading one changes nothing.
    read = document_text(data, filename="holiday.png")
    assert read.kind == kind
    assert read.text == CV_DA_TEXT
    assert read.truncated is False
    assert read.pages == (1 if kind == "pdf" else None)


def test_a_docx_keeps_paragraphs_and_separates_table_cells() -> None:
    body = (
        corpus.docx_paragraph("Experience")
        + corpus.docx_table(
            [
                [f"2015 {DASH} 2019", "Developer\nAcme Ltd\nBuilt things"],
                ["2012-2015", "Tester"],
            ]
        )
        + corpus.docx_paragraph("Skills")
    )
    read = document_text(corpus.docx(body=body))
    assert read.text.splitlines() == [
        "Experience",
        f"2015 {DASH} 2019\tDeveloper",
        "Acme Ltd",
        "Built things",
        "2012-2015\tTester",
        "Skills",
    ]


def test_a_docx_skips_deleted_text_field_codes_and_fallback_copies() -> None:
    body = (
        "<w:p><w:r><w:t>Kept</w:t></w:r>"
        "<w:del><w:r><w:delText>Deleted</w:delText></w:r></w:del>"
        "<w:r><w:instrText>PAGE</w:instrText></w:r>"
        "<w:r><w:br/><w:t>after break</w:t><w:tab/><w:t>after tab</w:t></w:r>"
        '<mc:AlternateContent><mc:Choice Requires="wps"><w:r><w:t> box</w:t></w:r></mc:Choice>'
        "<mc:Fallback><w:r><w:t> box again</w:t></w:r></mc:Fallback></mc:AlternateContent>"
        "</w:p>"
    )
    read = document_text(corpus.docx(body=body))
    assert read.text == "Kept\nafter break\tafter tab box"


def test_a_strict_open_xml_docx_is_read() -> None:
    body = corpus.docx_paragraph("Strict") + "<w:p><w:del><w:r><w:delText>gone</w:delText></w:r>"
    body += "</w:del><w:r><w:t>ly kept</w:t></w:r></w:p>"
    xml = corpus.docx_document_xml(body).replace(
        corpus.W_NS, "http://purl.oclc.org/ooxml/wordprocessingml/main"
    )
    assert document_text(corpus.docx(document_xml=xml)).text == "Strict\nly kept"


def test_tab_stop_definitions_are_not_text_but_hyphens_and_ligatures_are() -> None:
    body = (
        '<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr>'
        "<w:r><w:rPr><w:b/></w:rPr><w:t>Proﬁle</w:t></w:r></w:p>"
        "<w:p><w:r><w:t>Jean</w:t><w:noBreakHyphen/><w:t>Luc\u00ad</w:t></w:r></w:p>"
    )
    assert document_text(corpus.docx(body=body)).text == "Profile\nJean-Luc"


def test_deep_nesting_is_no_recursion_error() -> None:
    depth = 20_000
    body = (
        "<w:p>" + "<w:sdt>" * depth + "<w:r><w:t>Deep</w:t></w:r>" + "</w:sdt>" * depth + "</w:p>"
    )
    assert document_text(corpus.docx(body=body)).text == "Deep"


def test_an_odt_reads_spans_spaces_breaks_tables_and_skips_notes() -> None:
    body = (
        "<text:h>Werkervaring</text:h>"
        '<text:p>Jan<text:s text:c="999999999"/>Jansen<text:line-break/>'
        "<text:span>Utrecht</text:span>, NL"
        "<text:note><text:note-body><text:p>a footnote</text:p></text:note-body></text:note>"
        "</text:p>"
        "<table:table><table:table-row>"
        "<table:table-cell><text:p>2010-2014</text:p></table:table-cell>"
        "<table:table-cell><text:p>Docent</text:p><text:p>ROC</text:p></table:table-cell>"
        "</table:table-row></table:table>"
    )
    read = document_text(corpus.odt(body=body))
    assert read.text.splitlines() == [
        "Werkervaring",
        "Jan Jansen",
        "Utrecht, NL",
        "2010-2014\tDocent",
        "ROC",
    ]


def test_pdf_pages_are_counted_and_reported_as_progress() -> None:
    calls: list[tuple[int, int]] = []
    read = document_text(
        corpus.pdf([CV_EN, ["Page two"]]),
        on_progress=lambda done, total: calls.append((done, total)),
    )
    assert read.pages == 2
    assert read.text.endswith("Page two")
    assert calls == [(0, 2), (1, 2), (2, 2)]


@pytest.mark.parametrize(
    "build",
    [lambda: corpus.docx(CV_EN), lambda: corpus.odt(CV_EN), lambda: "\n".join(CV_EN).encode()],
    ids=["docx", "odt", "txt"],
)
def test_other_kinds_report_progress_per_part(build: Callable[[], bytes]) -> None:
    calls: list[tuple[int, int]] = []
    document_text(build(), on_progress=lambda done, total: calls.append((done, total)))
    assert calls == [(0, 1), (1, 1)]


@pytest.mark.parametrize("algorithm", [None, "AES-256"])
def test_a_pdf_with_only_an_owner_password_is_read(algorithm: str | None) -> None:
    read = document_text(corpus.encrypted_pdf(user_password="", algorithm=algorithm))
    assert read.text == "Jane Doe, CV"


def test_long_text_is_cut_and_marked_truncated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(documents, "MAX_TEXT_CHARS", 1_000)
    long_lines = [f"Line {number} of a long CV" for number in range(200)]
    for data in (
        "\n".join(long_lines).encode(),
        corpus.docx(long_lines),
        corpus.odt(long_lines),
        corpus.pdf([long_lines[:50], long_lines[50:100]]),
    ):
        read = document_text(data)
        assert read.truncated is True
        assert len(read.text) <= 1_000
        assert read.text.startswith("Line 0 of a long CV\nLine 1")


def test_a_file_just_at_the_limit_is_read() -> None:
    line = b"Developer at Acme, 2015 - 2019\n"
    data = line * (MAX_UPLOAD_BYTES // len(line))
    read = document_text(data)
    assert read.kind == "txt"
    assert read.truncated is True


# Refused files ---------------------------------------------------------------------------------


REFUSED: list[tuple[str, Callable[[], bytes], str, str]] = [
    ("empty", lambda: b"", "cv.pdf", "empty"),
    ("oversized", lambda: b"a" * (MAX_UPLOAD_BYTES + 1), "cv.txt", "too_large"),
    ("zip bomb", lambda: corpus.zip_bomb_docx(honest=True), "cv.docx", "zip_bomb"),
    # Headers claiming 1 KB for a member inflating to 1 GiB: the read stops at the claim and
    # the archive's checksum then fails.
    ("lying zip bomb", lambda: corpus.zip_bomb_docx(honest=False), "cv.docx", "corrupt"),
    (
        "high ratio member",
        lambda: corpus.docx(document_xml="<a/>" + " " * 5_000_000),
        "cv.docx",
        "zip_bomb",
    ),
    ("many members", corpus.many_members_zip, "cv.docx", "zip_bomb"),
    (
        "bzip2 member",
        lambda: corpus.docx(CV_EN, compression=zipfile.ZIP_BZIP2),
        "cv.docx",
        "corrupt",
    ),
    ("xxe", corpus.xxe_docx, "cv.docx", "xml_entities"),
    ("billion laughs", corpus.billion_laughs_docx, "cv.docx", "xml_entities"),
    ("docm", corpus.macro_docm, "cv.docx", "macros"),
    (
        "vba only by name",
        lambda: corpus.docx(CV_EN, extra={"word/vbaProject.bin": b"x"}),
        "cv.docx",
        "macros",
    ),
    (
        "odt with basic",
        lambda: corpus.odt(CV_EN, extra={"Basic/Standard/Module1.xml": b"<x/>"}),
        "cv.odt",
        "macros",
    ),
    ("encrypted pdf", corpus.encrypted_pdf, "cv.pdf", "encrypted"),
    ("aes pdf", lambda: corpus.encrypted_pdf(algorithm="AES-256"), "cv.pdf", "encrypted"),
    ("encrypted ooxml", corpus.encrypted_ooxml, "cv.docx", "encrypted"),
    ("encrypted odt", lambda: corpus.odt(CV_EN, encrypted=True), "cv.odt", "encrypted"),
    ("old word", corpus.old_word_doc, "cv.doc", "old_format"),
    ("png named pdf", lambda: corpus.PNG_BYTES, "cv.pdf", "unknown_type"),
    ("elf named docx", lambda: corpus.ELF_BYTES, "cv.docx", "unknown_type"),
    ("random bytes", lambda: bytes(range(256)) * 10, "cv", "unknown_type"),
    ("html page", lambda: b"<!DOCTYPE html><html><body>CV</body></html>", "cv.txt", "unknown_type"),
    (
        "spreadsheet named odt",
        lambda: corpus.odt(CV_EN, mimetype="application/vnd.oasis.opendocument.spreadsheet"),
        "cv.odt",
        "unknown_type",
    ),
    ("truncated pdf", lambda: corpus.pdf([CV_EN])[:200], "cv.pdf", "corrupt"),
    ("pdf header only", lambda: b"%PDF-1.7\n" + bytes(range(256)) * 4, "cv.pdf", "corrupt"),
    ("truncated zip", lambda: corpus.docx(CV_EN)[:300], "cv.docx", "corrupt"),
    (
        "malformed xml",
        lambda: corpus.docx(document_xml="<w:document><w:body>"),
        "cv.docx",
        "corrupt",
    ),
    (
        "unknown xml encoding",
        lambda: corpus.docx(document_xml='<?xml version="1.0" encoding="UT8"?><w:document/>'),
        "cv.docx",
        "corrupt",
    ),
    ("1000 pages", corpus.many_pages_pdf, "cv.pdf", "too_many_pages"),
    ("no pages", lambda: corpus.pdf([]), "cv.pdf", "corrupt"),
    ("scan", lambda: corpus.pdf([[]], image_only=True), "cv.pdf", "no_text"),
    ("slow page", corpus.huge_page_pdf, "cv.pdf", "too_complex"),
    ("blank docx", lambda: corpus.docx(["", "  "]), "cv.docx", "no_text"),
    ("blank txt", lambda: b" \n\t\n", "cv.txt", "no_text"),
]


@pytest.mark.parametrize(
    ("build", "filename", "code"),
    [pytest.param(build, name, code, id=case) for case, build, name, code in REFUSED],
)
def test_refused_files_get_their_code_and_a_sentence(
    build: Callable[[], bytes], filename: str, code: str
) -> None:
    data = build()

    def read() -> DocumentRejected:
        with pytest.raises(DocumentRejected) as refused:
            document_text(data, filename=filename)
        return refused.value

    assert_bounded(read)
    rejected = read()
    assert rejected.code == code
    message = str(rejected.message)
    assert message.endswith(".")
    assert len(message) > 15


def test_a_wrong_name_is_named_in_the_message() -> None:
    with pytest.raises(DocumentRejected) as refused:
        document_text(corpus.PNG_BYTES, filename="C:\\Users\\jane\\cv.pdf")
    assert str(refused.value.message).startswith(
        "The file is called “cv.pdf”, but it is not a PDF file: it is a PNG image."
    )
    with pytest.raises(DocumentRejected) as refused:
        document_text(corpus.ELF_BYTES, filename="")
    assert str(refused.value.message).startswith("This file is a program.")


def test_a_supported_type_behind_another_name_is_read_with_a_notice() -> None:
    data = corpus.pdf([CV_EN])
    assert document_text(data, filename="cv.docx").kind == "pdf"
    notice = type_mismatch_message("pdf", "cv.docx")
    assert (
        str(notice)
        == "The file is called “cv.docx”, but it is a PDF file. We read it as a PDF file."
    )
    assert type_mismatch_message("pdf", "cv.pdf") is None
    assert type_mismatch_message("pdf", "cv") is None
    assert type_mismatch_message("txt", "notes.md") is None


def test_the_read_stops_at_the_deadline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(documents, "READ_SECONDS", -1.0)
    for data in (corpus.pdf([CV_EN]), corpus.docx(CV_EN), corpus.odt(CV_EN)):
        with pytest.raises(DocumentRejected) as refused:
            document_text(data)
        assert refused.value.code == "too_complex"


def test_the_size_limit_is_in_the_message() -> None:
    with pytest.raises(DocumentRejected) as refused:
        document_text(b"a" * (MAX_UPLOAD_BYTES + 1))
    assert "10 MB" in str(refused.value.message)
    assert refused.value.params == {"mb": 10}


def test_messages_are_translated_when_shown_and_can_be_rebuilt_from_code_and_params() -> None:
    with pytest.raises(DocumentRejected) as refused:
        document_text(corpus.PNG_BYTES, filename="cv.pdf")
    rejected = refused.value
    stored_key, stored_params = rejected.message_key, rejected.params
    with translation.override("en"):
        english = str(rejected.message)
    for language in ("nl", "da", "nb"):
        with translation.override(language):
            shown = str(rejected.message)
            assert shown != english
            assert "cv.pdf" in shown
            assert str(rejection_message(stored_key, stored_params)) == shown
    with translation.override("nl"):
        assert str(rejection_message("empty")) == "Het bestand is leeg."


def test_a_web_page_is_not_read_as_text() -> None:
    page = "  <html lang='en'><body><h1>Jane Doe</h1></body></html>".encode("utf-16")
    assert sniff_kind(page) is None
    with pytest.raises(DocumentRejected) as refused:
        document_text(page, filename="cv.html")
    assert str(refused.value.message).startswith("This file is a web page (HTML).")


def test_an_archive_too_dangerous_to_open_has_no_kind() -> None:
    assert sniff_kind(corpus.many_members_zip()) is None
    assert sniff_kind(corpus.zip_bomb_docx(honest=True)) is None


@pytest.mark.parametrize("seed", range(3))
def test_damaged_files_are_refused_with_a_code_never_an_error(seed: int) -> None:
    """Random bytes flipped, cut and inserted in good files: every result is text or a refusal."""
    rng = random.Random(seed)
    originals = [
        corpus.docx(CV_EN * 10),
        corpus.odt(CV_DA * 10),
        corpus.pdf([CV_DA * 5, CV_EN * 5]),
        corpus.encrypted_pdf(user_password=""),
    ]
    outcomes: set[str] = set()
    messages: set[str] = set()
    started = time.perf_counter()
    for _ in range(200):
        data = bytearray(rng.choice(originals))
        for _change in range(rng.randint(1, 20)):
            position = rng.randrange(len(data))
            action = rng.random()
            if action < 0.6:
                data[position] = rng.randrange(256)
            elif action < 0.8:
                del data[position : position + rng.randint(1, 50)]
            else:
                data[position:position] = rng.randbytes(rng.randint(1, 20))
        try:
            outcomes.add(document_text(bytes(data), filename="cv.pdf").kind)
        except DocumentRejected as refused:
            outcomes.add(refused.code)
            messages.add(str(refused.message))
    assert time.perf_counter() - started < 30
    assert outcomes <= {"pdf", "docx", "odt", "txt", *get_args(RejectionCode)}
    assert all(message.endswith(".") for message in messages)


def test_every_line_break_becomes_a_newline() -> None:
    data = "Jane\r\nDoe\rPage one\fPage two\u2028End  \n\n\n\nLast".encode()
    assert document_text(data).text == "Jane\nDoe\nPage one\nPage two\nEnd\n\nLast"
