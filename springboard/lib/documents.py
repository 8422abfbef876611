"""Reading the text of an uploaded CV (PDF, Word .docx, OpenDocument .odt, plain text) safely.

An uploaded file is hostile until proven otherwise, and a candidate must always get a sentence they
can act on, never a 500 or a worker that hangs. So:

- The type is decided by the content (`sniff_kind`), never by the name. The name only lets a
  message say "the file is called cv.pdf, but it is not a PDF file: it is a PNG image". A
  supported type behind the wrong name is read as what it is; `type_mismatch_message` gives the
  informational notice for that case (the "type_mismatch" message is never a rejection).
- Word and OpenDocument files are ZIP archives. Before anything is decompressed, the archive's
  end record bounds the number of members and the size of its directory, and every member's
  declared size, the total and the compression ratio are checked; then members are read through a
  counting stream that stops at the limit whatever the archive declared. XML is parsed with
  defusedxml, which refuses DTDs and entities (XXE, billion laughs), incrementally, so a large
  document never becomes one large tree. Macro-enabled documents are refused.
- PDFs are read with pypdf under tighter decompression and page-tree limits than its defaults,
  without its external JBIG2 decoder, page by page under a deadline that is also checked inside
  the text extraction of a page.
- Plain text: UTF-8 (with or without a byte order mark), UTF-16 with a byte order mark, or
  Windows-1252 (a superset of the printable Latin-1 range, which is what Western European Windows
  editors write when they do not write UTF-8). Text is only text when it holds no control
  characters but tab, line and page breaks: that is what tells a text file from any binary one.
  A saved web page is text too, but is refused: its markup would become the CV's text.

`document_text` either returns the text or raises `DocumentRejected`, whose `code` is stable (a
caller may store it) and whose `message` is a sentence for the candidate, translated when it is
shown. `message_key` and `params` (JSON-safe) let a caller store it and show it again later in
the reader's language with `rejection_message`.
"""

from __future__ import annotations

import codecs
import io
import re
import struct
import time
import zipfile
import zlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import IO, Any, Literal, NoReturn
from xml.etree.ElementTree import Element, ParseError

import defusedxml
import defusedxml.ElementTree as SafeElementTree
import pypdf
import pypdf.errors
from django.utils.functional import lazy
from django.utils.translation import gettext, gettext_noop

DocumentKind = Literal["pdf", "docx", "odt", "txt"]

RejectionCode = Literal[
    "too_large",  # more than MAX_UPLOAD_BYTES
    "empty",  # zero bytes
    "unknown_type",  # not one of the supported kinds (the message says what it is when we know)
    "old_format",  # a Word 97-2003 .doc (an OLE file): readable by Word, not by us
    "encrypted",  # a password-protected PDF, Word file or ZIP member
    "macros",  # a macro-enabled Word file or an OpenDocument file with scripts
    "zip_bomb",  # an archive that would unpack to an implausible size or number of parts
    "xml_entities",  # XML with a DTD or entities (XXE, billion laughs)
    "corrupt",  # damaged or truncated: the format is recognised but cannot be read
    "too_many_pages",  # a PDF with more than MAX_PDF_PAGES pages
    "too_complex",  # reading would take longer than READ_SECONDS or break a decoder limit
    "no_text",  # readable, but no text in it (a scanned PDF, an empty document)
]

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# A CV has one or two pages; a portfolio may have some more. Beyond this it is not a CV.
MAX_PDF_PAGES = 50
# The text kept (characters); longer text is cut and `truncated` set. 2 MB is ~ 1,000 pages.
MAX_TEXT_CHARS = 2_000_000
# Wall-clock budget for reading one file, checked between pages and inside page extraction.
READ_SECONDS = 10.0

# ZIP limits. A .docx has a few dozen members, an .odt fewer; images are what makes them large.
MAX_ZIP_MEMBERS = 1_000
MAX_ZIP_DIRECTORY_BYTES = 1024 * 1024
MAX_MEMBER_BYTES = 25 * 1024 * 1024
MAX_TOTAL_UNPACKED_BYTES = 50 * 1024 * 1024
# XML compresses 10-50 times; a member that claims more than this is built to explode. Small
# members are exempt: a 1 KB member at ratio 1000 harms nobody.
MAX_COMPRESSION_RATIO = 200
RATIO_CHECKED_ABOVE_BYTES = 1024 * 1024

_PDF_HEADER_WINDOW = 1024  # some producers put junk before %PDF-; readers accept it in the first KB
_OLE_SIGNATURE = bytes.fromhex("d0cf11e0a1b11ae1")
_ZIP_SIGNATURE = b"PK\x03\x04"
_ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
_DOCX_MAIN = "word/document.xml"
_DOCX_CONTENT_TYPES = "[Content_Types].xml"

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_W_STRICT = "{http://purl.oclc.org/ooxml/wordprocessingml/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"


# Every message a rejection can carry, by key. The English sources are only marked here; they are
# translated when a message is rendered, so a message made in a worker appears in the language of
# whoever reads it (see `rejection_message`).
_MESSAGES: dict[str, str] = {
    "too_large": gettext_noop(
        "The file is larger than %(mb)s MB. Save a smaller version (a PDF of your CV without "
        "large images, for example) and upload that."
    ),
    "empty": gettext_noop("The file is empty."),
    "unknown_type": gettext_noop(
        "We can only read PDF, Word (.docx), OpenDocument (.odt) and plain text files. "
        "Save your CV in one of these formats and upload it again."
    ),
    "unknown_type_named": gettext_noop(
        "The file is called “%(name)s”, but it is not a %(claimed)s file: it is %(actual)s. "
        "Upload your CV as a PDF, Word (.docx), OpenDocument (.odt) or plain text file."
    ),
    "unknown_type_known": gettext_noop(
        "This file is %(actual)s. Upload your CV as a PDF, Word (.docx), OpenDocument (.odt) or "
        "plain text file."
    ),
    "old_format": gettext_noop(
        "This is an old Word file (.doc), or a Word file protected with a password. Open it in "
        "Word and save it as .docx without a password, then upload it again."
    ),
    "encrypted": gettext_noop(
        "The file is protected with a password, so we cannot read it. Save a copy without a "
        "password and upload that."
    ),
    "encrypted_word": gettext_noop(
        "This Word file is protected with a password. Open it in Word and save it as .docx "
        "without a password, then upload it again."
    ),
    "macros": gettext_noop(
        "The file contains macros, which we do not accept. Save it as a normal .docx or .odt "
        "document (or as a PDF) and upload it again."
    ),
    "zip_bomb": gettext_noop(
        "The file would unpack to an implausible size or number of parts, so we did not open "
        "it. Save your CV again from your word processor and upload the new file."
    ),
    "xml_entities": gettext_noop(
        "The file contains constructs that word processors do not write and that we do not "
        "accept. Save your CV again from your word processor and upload the new file."
    ),
    "corrupt": gettext_noop(
        "The file is damaged and cannot be read. Save your CV again from your word processor "
        "and upload the new file."
    ),
    "too_many_pages": gettext_noop(
        "The PDF has more than %(max)s pages. Upload your CV on its own, not a larger document."
    ),
    "too_complex": gettext_noop(
        "The file is too complex to read in reasonable time. Save your CV as a simpler PDF or "
        "as a Word file and upload it again."
    ),
    "no_text": gettext_noop(
        "We found no text in this file. Check that it is your CV and upload it again."
    ),
    "no_text_pdf": gettext_noop(
        "We found no text in this PDF: it looks like a scan or a photo. Upload the PDF your "
        "word processor makes (“Save as PDF”), or the Word file."
    ),
    "type_mismatch": gettext_noop(
        "The file is called “%(name)s”, but it is %(actual)s. We read it as %(actual)s."
    ),
}

# What a file is, for messages: "it is %(actual)s". Supported kinds and common non-documents.
_WHAT_IT_IS: dict[str, str] = {
    "pdf": gettext_noop("a PDF file"),
    "docx": gettext_noop("a Word document"),
    "odt": gettext_noop("an OpenDocument text"),
    "txt": gettext_noop("a plain text file"),
    "png": gettext_noop("a PNG image"),
    "jpeg": gettext_noop("a JPEG image"),
    "gif": gettext_noop("a GIF image"),
    "webp": gettext_noop("a WebP image"),
    "heic": gettext_noop("a HEIC photo"),
    "tiff": gettext_noop("a TIFF image"),
    "program": gettext_noop("a program"),
    "rtf": gettext_noop("an RTF document"),
    "spreadsheet": gettext_noop("a spreadsheet"),
    "presentation": gettext_noop("a presentation"),
    "zip": gettext_noop("a ZIP archive"),
    "archive": gettext_noop("a compressed archive"),
    "ole": gettext_noop("an old Office file"),
    "html": gettext_noop("a web page (HTML)"),
}

# The format a file name claims, for "it is not a %(claimed)s file".
_CLAIMED_BY_EXTENSION: dict[str, str] = {
    ".pdf": "PDF",
    ".docx": "Word (.docx)",
    ".docm": "Word (.docm)",
    ".doc": "Word (.doc)",
    ".odt": "OpenDocument (.odt)",
    ".txt": ".txt",
}
_KIND_BY_EXTENSION: dict[str, DocumentKind] = {
    ".pdf": "pdf",
    ".docx": "docx",
    ".odt": "odt",
    ".txt": "txt",
    ".text": "txt",
}

# Magic numbers of files people upload by mistake, so a message can say what the file is.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"II*\x00", "tiff"),
    (b"MM\x00*", "tiff"),
    (b"\x7fELF", "program"),
    (b"MZ", "program"),
    (b"\xca\xfe\xba\xbe", "program"),
    (b"\xcf\xfa\xed\xfe", "program"),
    (b"\xce\xfa\xed\xfe", "program"),
    (b"#!", "program"),
    (b"{\\rtf", "rtf"),
    (b"Rar!", "archive"),
    (b"7z\xbc\xaf\x27\x1c", "archive"),
    (b"\x1f\x8b", "archive"),
    (b"BZh", "archive"),
    (b"\xfd7zXZ\x00", "archive"),
)


def _render_message(key: str, params: Mapping[str, str | int]) -> str:
    values: dict[str, str | int] = dict(params)
    what = values.get("actual")
    if isinstance(what, str) and what in _WHAT_IT_IS:
        values["actual"] = gettext(_WHAT_IT_IS[what])
    template = gettext(_MESSAGES.get(key, _MESSAGES["corrupt"]))
    return template % values if values else template


_render_message_lazy = lazy(_render_message, str)


def rejection_message(key: str, params: Mapping[str, str | int] | None = None) -> str:
    """The message for a rejection key and its parameters, translated when it is rendered.

    A caller that stores `DocumentRejected.message_key` and `.params` (both JSON-safe) can show
    the message again later, in the reader's language, with this function.
    """
    return _render_message_lazy(key, dict(params or {}))


class DocumentRejected(Exception):
    """An uploaded document that will not be read; `message` says why, for the candidate."""

    code: str
    message: str

    def __init__(self, code: RejectionCode, *, key: str | None = None, **params: str | int) -> None:
        self.code = code
        self.message_key = key or code
        self.params: dict[str, str | int] = dict(params)
        self.message = rejection_message(self.message_key, self.params)
        super().__init__(f"{code}: {self.message_key} {self.params}")


@dataclass(frozen=True)
class DocumentText:
    kind: DocumentKind
    text: str
    pages: int | None  # PDF pages; None for the others (they have no fixed pages)
    truncated: bool  # the text was cut at MAX_TEXT_CHARS


# ---------------------------------------------------------------------------------------------
# Recognising the type


_PDF_SIGNATURE_RE = re.compile(rb"%PDF-\d")


def sniff_kind(data: bytes) -> DocumentKind | None:
    """The supported kind of `data` by its content, or None when it is none of them."""
    try:
        return _detect_kind(data)
    except DocumentRejected:
        return None


def _detect_kind(data: bytes) -> DocumentKind | None:
    """Like sniff_kind, but an archive too dangerous or damaged to look into is DocumentRejected."""
    if _PDF_SIGNATURE_RE.search(data[:_PDF_HEADER_WINDOW]) is not None:
        return "pdf"
    if data.startswith(_ZIP_SIGNATURE):
        return _zip_kind(data)
    if _decode_text(data) is not None and not _is_html(data):
        return "txt"
    return None


_HTML_START_RE = re.compile(rb"\s*(?:<!doctype\s+html|<html[\s>])", re.IGNORECASE)


def _is_html(data: bytes) -> bool:
    """A saved web page is text, but its markup would end up in the CV text: refused."""
    head = data[:1024].removeprefix(codecs.BOM_UTF8)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        head = head.decode("utf-16", errors="ignore").encode("utf-8", errors="ignore")
    return _HTML_START_RE.match(head) is not None


def _zip_kind(data: bytes) -> DocumentKind | None:
    with _open_zip(data) as archive:
        names = set(archive.namelist())
        if _DOCX_CONTENT_TYPES in names and _DOCX_MAIN in names:
            return "docx"
        if "mimetype" in names:
            info = archive.getinfo("mimetype")
            mimetype = _read_member(archive, info, limit=200).strip()
            if mimetype == _ODT_MIMETYPE:
                return "odt"
    return None


def _zip_what_it_is(data: bytes) -> str:
    """For a ZIP that is no supported document: spreadsheet, presentation or plain archive."""
    try:
        with _open_zip(data) as archive:
            names = set(archive.namelist())
            if _DOCX_CONTENT_TYPES in names:
                if any(name.startswith("xl/") for name in names):
                    return "spreadsheet"
                if any(name.startswith("ppt/") for name in names):
                    return "presentation"
            if "mimetype" in names:
                mimetype = _read_member(archive, archive.getinfo("mimetype"), limit=200)
                if b"spreadsheet" in mimetype:
                    return "spreadsheet"
                if b"presentation" in mimetype:
                    return "presentation"
    except DocumentRejected:
        pass
    return "zip"


def _what_it_is(data: bytes) -> str | None:
    if _is_html(data):
        return "html"
    for signature, what in _SIGNATURES:
        if data.startswith(signature):
            return what
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1"):
        return "heic"
    if data.startswith(_OLE_SIGNATURE):
        return "ole"
    if data.startswith(_ZIP_SIGNATURE):
        return _zip_what_it_is(data)
    return None


def _extension(filename: str) -> str:
    base = filename.replace("\\", "/").rsplit("/", 1)[-1].strip().lower()
    dot = base.rfind(".")
    return base[dot:] if dot > 0 else ""


def _display_name(filename: str) -> str:
    base = filename.replace("\\", "/").rsplit("/", 1)[-1].strip()
    # The name goes into a sentence; a pathological name must not swamp it.
    return base if len(base) <= 80 else base[:77] + "…"


def type_mismatch_message(kind: DocumentKind, filename: str) -> str | None:
    """When `filename` names another supported type than the content is, a (lazy) notice saying
    what the file really is and that it is read as such (code "type_mismatch"); else None."""
    claimed = _KIND_BY_EXTENSION.get(_extension(filename))
    if claimed is None or claimed == kind:
        return None
    return rejection_message("type_mismatch", {"name": _display_name(filename), "actual": kind})


# ---------------------------------------------------------------------------------------------
# The entry point


class _Budget:
    """The wall-clock deadline of one read."""

    def __init__(self, seconds: float) -> None:
        self.deadline = time.monotonic() + seconds

    def check(self) -> None:
        if time.monotonic() > self.deadline:
            raise DocumentRejected("too_complex")


def document_text(
    data: bytes,
    *,
    filename: str = "",
    on_progress: Callable[[int, int], None] | None = None,
) -> DocumentText:
    """The text of an uploaded document, or DocumentRejected with a message for the candidate.

    `filename` is only used in messages. `on_progress(done, total)` is called as pages (PDF) or
    parts (the other kinds) are read, starting with (0, total).
    """
    if len(data) > MAX_UPLOAD_BYTES:
        raise DocumentRejected("too_large", mb=MAX_UPLOAD_BYTES // (1024 * 1024))
    if not data:
        raise DocumentRejected("empty")
    progress = on_progress or _no_progress
    budget = _Budget(READ_SECONDS)
    kind = _detect_kind(data)
    if kind is None:
        _reject_unknown(data, filename)
    result: DocumentText
    if kind == "pdf":
        result = _pdf_text(data, progress, budget)
    elif kind == "docx":
        result = _docx_text(data, progress, budget)
    elif kind == "odt":
        result = _odt_text(data, progress, budget)
    else:
        progress(0, 1)
        text = _decode_text(data) or ""
        result = _finish("txt", text, pages=None, truncated=False)
        progress(1, 1)
    return result


def _no_progress(done: int, total: int) -> None:
    return None


def _reject_unknown(data: bytes, filename: str) -> NoReturn:
    """Refuse a file of no supported kind, saying what it is when we can tell."""
    if data.startswith(_OLE_SIGNATURE):
        # An OLE compound file: either an encrypted OOXML document (its parts are streams named
        # EncryptionInfo and EncryptedPackage) or a Word 97-2003 file (a WordDocument stream).
        # Directory entry names are UTF-16LE.
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise DocumentRejected("encrypted", key="encrypted_word")
        if "WordDocument".encode("utf-16-le") in data:
            raise DocumentRejected("old_format")
    what = _what_it_is(data)
    claimed = _CLAIMED_BY_EXTENSION.get(_extension(filename))
    if what is not None and claimed is not None:
        raise DocumentRejected(
            "unknown_type",
            key="unknown_type_named",
            name=_display_name(filename),
            claimed=claimed,
            actual=what,
        )
    if what is not None:
        raise DocumentRejected("unknown_type", key="unknown_type_known", actual=what)
    if _extension(filename) in (".pdf", ".docx", ".odt"):
        # Named like a supported document, starts like none: a damaged or truncated file.
        raise DocumentRejected("corrupt")
    raise DocumentRejected("unknown_type")


def _finish(kind: DocumentKind, text: str, *, pages: int | None, truncated: bool) -> DocumentText:
    text = _normalise_text(text)
    if len(text) > MAX_TEXT_CHARS:
        text, truncated = text[:MAX_TEXT_CHARS], True
    if not any(char.isalnum() for char in text):
        raise DocumentRejected("no_text", key="no_text_pdf" if kind == "pdf" else "no_text")
    return DocumentText(kind=kind, text=text, pages=pages, truncated=truncated)


_SPACES_RE = re.compile(r"[ \t\u00a0]+\n")
# Page breaks and Unicode line separators end lines too: the text's lines are its "\n" lines.
_LINE_BREAKS_RE = re.compile(r"\r\n|[\r\v\f\x1c-\x1e\x85\u2028\u2029]")
_BLANK_LINES_RE = re.compile(r"\n{3,}")


# Typographic ligatures (common in PDF text) spelled out, and invisible characters dropped, so
# "Proﬁle" reads as "Profile"; soft hyphens, zero-width spaces and stray BOMs go.
_CHARACTER_FIXES = str.maketrans(
    {
        "\ufb00": "ff",
        "\ufb01": "fi",
        "\ufb02": "fl",
        "\ufb03": "ffi",
        "\ufb04": "ffl",
        "\ufb05": "st",
        "\ufb06": "st",
        "\u00ad": None,
        "\u200b": None,
        "\ufeff": None,
        "\x00": None,
    }
)


def _normalise_text(text: str) -> str:
    text = _LINE_BREAKS_RE.sub("\n", text).translate(_CHARACTER_FIXES)
    text = _SPACES_RE.sub("\n", text)
    return _BLANK_LINES_RE.sub("\n\n", text).strip()


# ---------------------------------------------------------------------------------------------
# Plain text

# C0 control characters but tab, line feed, form feed and carriage return; DEL.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
# Bytes Windows-1252 leaves undefined: their presence means it is not cp1252 text.
_CP1252_UNDEFINED = frozenset(b"\x81\x8d\x8f\x90\x9d")


def _decode_text(data: bytes) -> str | None:
    """`data` as text (see the module notes for the encodings), or None when it is not text."""
    text: str | None = None
    if data.startswith(codecs.BOM_UTF8):
        text = _try_decode(data[len(codecs.BOM_UTF8) :], "utf-8")
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = _try_decode(data, "utf-16")
    elif b"\x00" not in data:
        text = _try_decode(data, "utf-8")
        if text is None and not _CP1252_UNDEFINED.intersection(data):
            text = _try_decode(data, "cp1252")
    if text is None or _CONTROL_RE.search(text) is not None:
        return None
    return text


def _try_decode(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


# ---------------------------------------------------------------------------------------------
# ZIP containers (.docx, .odt)


def _check_zip_directory(data: bytes) -> None:
    """Bound the archive's directory from its end record, before zipfile parses any of it."""
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))
    if end < 0 or len(data) < end + 22:
        raise DocumentRejected("corrupt")
    _sig, _disk, _cd_disk, _disk_entries, entries, directory_size, _offset, _comment = (
        struct.unpack("<4s4H2LH", data[end : end + 22])
    )
    # 0xFFFF entries or 0xFFFFFFFF size mean a ZIP64 archive: no CV needs one.
    if entries > MAX_ZIP_MEMBERS or directory_size > MAX_ZIP_DIRECTORY_BYTES:
        raise DocumentRejected("zip_bomb")


def _open_zip(data: bytes) -> zipfile.ZipFile:
    _check_zip_directory(data)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        ValueError,
        EOFError,
        OSError,
        NotImplementedError,  # "zip file version 12.3": a damaged header
        struct.error,
    ) as exc:
        raise DocumentRejected("corrupt") from exc
    infos = archive.infolist()
    if len(infos) > MAX_ZIP_MEMBERS:
        raise DocumentRejected("zip_bomb")
    total = 0
    for info in infos:
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            # Word and LibreOffice only store or deflate. zipfile's bzip2 and LZMA readers
            # decompress a whole input chunk at once, so one 4 KB read of a bzip2 bomb would
            # be gigabytes before any limit could look at it.
            raise DocumentRejected("corrupt")
        total += info.file_size
        if info.file_size > MAX_MEMBER_BYTES or total > MAX_TOTAL_UNPACKED_BYTES:
            raise DocumentRejected("zip_bomb")
        if (
            info.file_size > RATIO_CHECKED_ABOVE_BYTES
            and info.file_size > MAX_COMPRESSION_RATIO * max(info.compress_size, 1)
        ):
            raise DocumentRejected("zip_bomb")
    return archive


# What zipfile raises for a damaged member: a bad header or checksum, a broken deflate stream, a
# truncated file, an unknown compression method (NotImplementedError) or a password-protected
# member it was not given a password for (RuntimeError).
_ZIP_READ_ERRORS: tuple[type[Exception], ...] = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    OSError,
    ValueError,
    NotImplementedError,
    RuntimeError,
)


class _BoundedReader(io.RawIOBase):
    """A member's bytes, refused as a bomb once more than `limit` come out, whatever the archive
    declared (zipfile stops at the declared size, this does not rely on it); the read errors of a
    damaged member become DocumentRejected."""

    def __init__(self, stream: IO[bytes], limit: int, budget: _Budget | None) -> None:
        self._stream = stream
        self._left = limit
        self._budget = budget

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        want = self._left + 1 if size is None or size < 0 else min(size, self._left + 1)
        if self._budget is not None:
            self._budget.check()
        try:
            chunk = self._stream.read(want)
        except _ZIP_READ_ERRORS as exc:
            raise DocumentRejected("corrupt") from exc
        self._left -= len(chunk)
        if self._left < 0:
            raise DocumentRejected("zip_bomb")
        return chunk

    def readinto(self, buffer: Any) -> int:
        chunk = self.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)


def _open_member(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int, budget: _Budget | None = None
) -> _BoundedReader:
    if info.flag_bits & 0x1:
        raise DocumentRejected("encrypted")
    try:
        stream = archive.open(info)
    except _ZIP_READ_ERRORS as exc:
        raise DocumentRejected("corrupt") from exc
    return _BoundedReader(stream, min(limit, info.file_size), budget)


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, *, limit: int) -> bytes:
    reader = _open_member(archive, info, limit)
    chunks = []
    while chunk := reader.read(64 * 1024):
        chunks.append(chunk)
    return b"".join(chunks)


class _TextSink:
    """Collects text up to MAX_TEXT_CHARS; paragraphs end lines, table cells are tab-separated
    and a row ends its line (so "2015-2019 <tab> Developer, Acme" stays one line)."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.size = 0
        self.truncated = False
        self._cell_depth = 0
        self._pending_break = False

    def add(self, text: str) -> None:
        if not text:
            return
        if self._pending_break:
            self._pending_break = False
            self._append("\n")
        self._append(text)

    def paragraph_end(self) -> None:
        if self._cell_depth:
            # Inside a cell a paragraph break is written only if more text follows in the cell.
            self._pending_break = True
        else:
            self._append("\n")

    def cell_start(self) -> None:
        self._cell_depth += 1

    def cell_end(self) -> None:
        self._cell_depth = max(0, self._cell_depth - 1)
        self._pending_break = False
        self._append("\t")

    def row_end(self) -> None:
        self._pending_break = False
        self._append("\n")

    def text(self) -> str:
        return "".join(self.parts).replace("\t\n", "\n")

    def _append(self, text: str) -> None:
        room = MAX_TEXT_CHARS - self.size
        if len(text) > room:
            self.parts.append(text[:room])
            self.size = MAX_TEXT_CHARS
            self.truncated = True
            raise _SinkFull
        self.parts.append(text)
        self.size += len(text)


class _SinkFull(Exception):
    """Enough text: stop parsing."""


# expat errors, bad characters, and an unknown encoding named in the XML declaration (LookupError).
_PARSE_ERRORS: tuple[type[Exception], ...] = (ParseError, ValueError, LookupError)


def _parse_xml(
    stream: IO[bytes],
    budget: _Budget,
    skipped: frozenset[str],
    on_start: Callable[[Element], None],
    on_end: Callable[[Element, Element | None], None],
    namespace_aliases: Mapping[str, str] | None = None,
) -> None:
    """Stream the XML through defusedxml; `on_end(element, parent)` may then drop the element.

    Elements tagged in `skipped` (notes, fallback copies) are emptied unseen, paragraphs and all;
    their tail, which belongs to the surrounding paragraph, is kept. `namespace_aliases` maps
    another namespace ("{uri}") onto the one the handlers know, before anything looks at a tag.
    """
    stack: list[Element] = []
    skipping = 0
    try:
        events = SafeElementTree.iterparse(
            stream, events=("start", "end"), forbid_dtd=True, forbid_entities=True
        )
        for count, (event, element) in enumerate(events):
            if count % 2048 == 0:
                budget.check()
            if event == "start":
                if namespace_aliases and element.tag.startswith("{"):
                    uri = element.tag[: element.tag.find("}") + 1]
                    if uri in namespace_aliases:
                        element.tag = namespace_aliases[uri] + element.tag[len(uri) :]
                stack.append(element)
                if element.tag in skipped:
                    skipping += 1
                elif not skipping:
                    on_start(element)
            else:
                stack.pop()
                if element.tag in skipped:
                    skipping -= 1
                    element.clear()
                elif not skipping:
                    on_end(element, stack[-1] if stack else None)
    except _SinkFull:
        return
    except defusedxml.DefusedXmlException as exc:
        raise DocumentRejected("xml_entities") from exc
    except _PARSE_ERRORS as exc:
        raise DocumentRejected("corrupt") from exc


def _walk_text(
    root: Element, text_tags: frozenset[str] | None, skip_tags: frozenset[str]
) -> Iterator[tuple[str, str]]:
    """Yield ("tag", tag), ("text", s) and ("tail", s) in document order, iteratively (no
    recursion limit). Only elements in `text_tags` (None: all) hold text."""
    stack: list[tuple[Element, bool]] = [(root, False)]
    while stack:
        element, after = stack.pop()
        if after:
            if element.tail and element is not root:
                yield "tail", element.tail
            continue
        stack.append((element, True))
        if element is not root and element.tag in skip_tags:
            continue
        yield "tag", element.tag
        if element.text and (text_tags is None or element.tag in text_tags):
            yield "text", element.text
        for child in reversed(element):
            stack.append((child, False))


# DOCX ------------------------------------------------------------------------------------------

# Skipped wholesale while parsing: deleted text (tracked changes), field codes, and the fallback
# copy of a text box that Word writes next to the real one.
_DOCX_SKIPPED = frozenset({_MC_FALLBACK, _W + "delText", _W + "instrText", _W + "del"})
# Skipped when walking a paragraph: nested paragraphs (text boxes) are read on their own, and
# paragraph and run properties hold no text (but do hold <w:tab/> tab-stop definitions).
_DOCX_SKIP = _DOCX_SKIPPED | {_W + "p", _W + "pPr", _W + "rPr"}
_DOCX_TEXT = frozenset({_W + "t"})


def _docx_text(data: bytes, progress: Callable[[int, int], None], budget: _Budget) -> DocumentText:
    with _open_zip(data) as archive:
        _refuse_docx_macros(archive)
        progress(0, 1)
        sink = _TextSink()
        info = archive.getinfo(_DOCX_MAIN)
        with _open_member(archive, info, MAX_MEMBER_BYTES, budget) as stream:
            _parse_xml(
                io.BufferedReader(stream),
                budget,
                _DOCX_SKIPPED,
                lambda element: _docx_start(element, sink),
                lambda element, parent: _docx_end(element, parent, sink),
                # "Strict Open XML" names the same elements in another namespace.
                namespace_aliases={_W_STRICT: _W},
            )
        progress(1, 1)
    return _finish("docx", sink.text(), pages=None, truncated=sink.truncated)


def _refuse_docx_macros(archive: zipfile.ZipFile) -> None:
    for info in archive.infolist():
        name = info.filename.lower()
        if name.endswith(("vbaproject.bin", "vbadata.xml")) or "/activex/" in f"/{name}":
            raise DocumentRejected("macros")
    content_types = _read_member(
        archive, archive.getinfo(_DOCX_CONTENT_TYPES), limit=MAX_ZIP_DIRECTORY_BYTES
    )
    try:
        root = SafeElementTree.fromstring(content_types, forbid_dtd=True)
    except defusedxml.DefusedXmlException as exc:
        raise DocumentRejected("xml_entities") from exc
    except _PARSE_ERRORS as exc:
        raise DocumentRejected("corrupt") from exc
    for element in root.iter():
        if "macroenabled" in (element.get("ContentType") or "").lower():
            raise DocumentRejected("macros")


def _docx_start(element: Element, sink: _TextSink) -> None:
    if element.tag == _W + "tc":
        sink.cell_start()


def _docx_end(element: Element, parent: Element | None, sink: _TextSink) -> None:
    tag = element.tag
    if tag == _W + "p":
        for event, value in _walk_text(element, _DOCX_TEXT, _DOCX_SKIP):
            if event == "text":
                sink.add(value)
            elif event == "tag":
                if value == _W + "tab":
                    sink.add("\t")
                elif value in (_W + "br", _W + "cr"):
                    sink.add("\n")
                elif value == _W + "noBreakHyphen":
                    sink.add("-")
        sink.paragraph_end()
    elif tag == _W + "tc":
        sink.cell_end()
    elif tag == _W + "tr":
        sink.row_end()
    else:
        return
    # Done with it: drop it so the tree never grows with the document.
    if parent is not None:
        parent.remove(element)


# ODT -------------------------------------------------------------------------------------------

_ODT_SKIPPED = frozenset({_TEXT + "note", _OFFICE + "annotation", _TEXT + "tracked-changes"})
_ODT_SKIP = _ODT_SKIPPED | {_TEXT + "p", _TEXT + "h"}


def _odt_text(data: bytes, progress: Callable[[int, int], None], budget: _Budget) -> DocumentText:
    with _open_zip(data) as archive:
        for name in archive.namelist():
            if name.startswith(("Basic/", "Scripts/")):
                raise DocumentRejected("macros")
        _refuse_odt_encryption(archive)
        try:
            info = archive.getinfo("content.xml")
        except KeyError as exc:
            raise DocumentRejected("corrupt") from exc
        progress(0, 1)
        sink = _TextSink()
        with _open_member(archive, info, MAX_MEMBER_BYTES, budget) as stream:
            _parse_xml(
                io.BufferedReader(stream),
                budget,
                _ODT_SKIPPED,
                lambda element: _odt_start(element, sink),
                lambda element, parent: _odt_end(element, parent, sink),
            )
        progress(1, 1)
    return _finish("odt", sink.text(), pages=None, truncated=sink.truncated)


def _refuse_odt_encryption(archive: zipfile.ZipFile) -> None:
    """A password-protected OpenDocument file is a normal ZIP whose manifest describes how each
    member is encrypted; its content.xml would only be noise."""
    try:
        info = archive.getinfo("META-INF/manifest.xml")
    except KeyError:
        return
    if b"encryption-data" in _read_member(archive, info, limit=MAX_ZIP_DIRECTORY_BYTES):
        raise DocumentRejected("encrypted")


def _odt_start(element: Element, sink: _TextSink) -> None:
    if element.tag == _TABLE + "table-cell":
        sink.cell_start()


def _odt_end(element: Element, parent: Element | None, sink: _TextSink) -> None:
    tag = element.tag
    if tag in (_TEXT + "p", _TEXT + "h"):
        for event, value in _walk_text(element, None, _ODT_SKIP):
            if event in ("text", "tail"):
                sink.add(value)
            elif value == _TEXT + "tab":
                sink.add("\t")
            elif value == _TEXT + "line-break":
                sink.add("\n")
            elif value == _TEXT + "s":
                sink.add(" ")  # text:c may ask for millions of spaces; one says the same
        sink.paragraph_end()
    elif tag == _TABLE + "table-cell":
        sink.cell_end()
    elif tag == _TABLE + "table-row":
        sink.row_end()
    else:
        return
    if parent is not None:
        parent.remove(element)


# ---------------------------------------------------------------------------------------------
# PDF

# Tighter than pypdf's defaults (75 MB per stream): a CV page never decompresses to 20 MB.
_PDF_LIMITS: dict[str, Any] = {
    "maximum_declared_stream_length": 20_000_000,
    "array_based_stream_maximum_output_length": 20_000_000,
    "zlib_maximum_output_length": 20_000_000,
    "lzw_maximum_output_length": 20_000_000,
    "run_length_maximum_output_length": 20_000_000,
    "brotli_maximum_output_length": 20_000_000,
    "jbig2_maximum_output_length": 20_000_000,
    "image_maximum_buffer_size": 20_000_000,
    "stream_decoding_work_maximum_length": 80_000_000,
    # Tokens in one content stream. A dense CV page (kerned text, icons) has some tens of
    # thousands; pypdf parses about 100,000 a second before extraction (and our deadline check
    # inside it) starts, so this also bounds the time one page can take.
    "stream_parsing_work_maximum_count": 150_000,
    "page_tree_maximum_entries": 10_000,
    "page_tree_maximum_page_entries": 200_000,
    "xform_maximum_invocations_per_extraction": 500,
    "jbig2dec_binary": None,  # never run an external decoder on an upload
    "disable_legacy_handling": True,
}

# pypdf raises its own errors for what it recognises as malformed, and builtin ones (KeyError,
# TypeError, struct.error...) for what it does not: every one of them means "cannot be read".
# MemoryError and RecursionError are included because a crafted file may trigger them in a parser
# and they must not take the worker down with a traceback the candidate never understands.
_PDF_ERRORS: tuple[type[BaseException], ...] = (
    pypdf.errors.PyPdfError,
    ValueError,
    TypeError,
    LookupError,
    AttributeError,
    AssertionError,
    ArithmeticError,
    NotImplementedError,
    RecursionError,
    MemoryError,
    OSError,
    EOFError,
    struct.error,
    zlib.error,
)


class _PdfTimeout(Exception):
    pass


def _pdf_text(data: bytes, progress: Callable[[int, int], None], budget: _Budget) -> DocumentText:
    with pypdf.apply_configuration(**_PDF_LIMITS):
        try:
            reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted:
                _decrypt_or_reject(reader)
            budget.check()
            page_count = len(reader.pages)
        except DocumentRejected:
            raise
        except pypdf.errors.LimitReachedError as exc:
            raise DocumentRejected("too_complex") from exc
        except _PDF_ERRORS as exc:
            raise DocumentRejected("corrupt") from exc
        if page_count > MAX_PDF_PAGES:
            raise DocumentRejected("too_many_pages", max=MAX_PDF_PAGES)
        if page_count == 0:
            raise DocumentRejected("corrupt")
        progress(0, page_count)
        texts: list[str] = []
        size = 0
        truncated = False
        for number in range(page_count):
            budget.check()
            text = _pdf_page_text(reader, number, budget)
            texts.append(text)
            size += len(text)
            progress(number + 1, page_count)
            if size > MAX_TEXT_CHARS:
                truncated = True
                break
    return _finish("pdf", "\n\n".join(texts), pages=page_count, truncated=truncated)


def _decrypt_or_reject(reader: pypdf.PdfReader) -> None:
    """A PDF encrypted with an empty user password (restrictions only) is read; one that needs a
    password to open is refused."""
    try:
        opened = reader.decrypt("")
    except (NotImplementedError, pypdf.errors.DependencyError) as exc:
        raise DocumentRejected("encrypted") from exc
    if opened == pypdf.PasswordType.NOT_DECRYPTED:
        raise DocumentRejected("encrypted")


def _pdf_page_text(reader: pypdf.PdfReader, number: int, budget: _Budget) -> str:
    operations = 0

    def check_deadline(*_args: Any) -> None:
        # Called by pypdf before every content-stream operator: a page with millions of them is
        # stopped in its tracks instead of running past the deadline.
        nonlocal operations
        operations += 1
        if operations % 1024 == 0 and time.monotonic() > budget.deadline:
            raise _PdfTimeout

    try:
        return reader.pages[number].extract_text(visitor_operand_before=check_deadline) or ""
    except _PdfTimeout as exc:
        raise DocumentRejected("too_complex") from exc
    except pypdf.errors.LimitReachedError as exc:
        raise DocumentRejected("too_complex") from exc
    except _PDF_ERRORS as exc:
        raise DocumentRejected("corrupt") from exc
