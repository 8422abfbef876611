"""Good and hostile documents for tests/test_documents.py, built in code at test time.

Nothing binary is kept in the repository: every file here is made from a few lines of XML, a
hand-written PDF or raw ZIP records, so each test says exactly what is in the file it reads.
`write_corpus(directory)` writes them all out (for trying the reader by hand).
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

import pypdf

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

DOCX_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="{main}"/>'
    "</Types>"
)
DOCX_MAIN_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
DOCM_MAIN_TYPE = "application/vnd.ms-word.document.macroEnabled.main+xml"
DOCX_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/>'
    "</Relationships>"
)

ODT_MIMETYPE = "application/vnd.oasis.opendocument.text"
ODT_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
    'manifest:version="1.3">'
    '<manifest:file-entry manifest:full-path="/" manifest:media-type="{mimetype}"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml">'
    "{encryption}</manifest:file-entry>"
    "</manifest:manifest>"
)
# How LibreOffice describes a password-protected member (the member itself is then ciphertext).
ODT_ENCRYPTION = (
    '<manifest:encryption-data manifest:checksum-type="urn:oasis:names:tc:opendocument:xmlns:'
    'manifest:1.0#sha256-1k" manifest:checksum="AAAA">'
    '<manifest:algorithm manifest:algorithm-name="http://www.w3.org/2001/04/xmlenc#aes256-cbc" '
    'manifest:initialisation-vector="AAAA"/>'
    "</manifest:encryption-data>"
)


# DOCX ------------------------------------------------------------------------------------------


def docx_paragraph(text: str) -> str:
    """A Word paragraph; a tab in `text` becomes a <w:tab/>."""
    runs = "<w:tab/>".join(
        f'<w:t xml:space="preserve">{escape(part)}</w:t>' for part in text.split("\t")
    )
    return f"<w:p><w:r>{runs}</w:r></w:p>"


def docx_table(rows: Sequence[Sequence[str]]) -> str:
    """A Word table; a newline in a cell makes two paragraphs in that cell."""
    body = "".join(
        "<w:tr>"
        + "".join(
            "<w:tc>" + "".join(docx_paragraph(line) for line in cell.split("\n")) + "</w:tc>"
            for cell in row
        )
        + "</w:tr>"
        for row in rows
    )
    return f"<w:tbl>{body}</w:tbl>"


def docx_document_xml(body: str, *, prolog: str = "") -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f"{prolog}"
        f'<w:document xmlns:w="{W_NS}" '
        'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">'
        f"<w:body>{body}</w:body></w:document>"
    )


def docx(
    paragraphs: Iterable[str] = (),
    *,
    body: str | None = None,
    document_xml: str | None = None,
    main_type: str = DOCX_MAIN_TYPE,
    extra: dict[str, bytes] | None = None,
    compression: int = zipfile.ZIP_DEFLATED,
) -> bytes:
    """A minimal Word document: the paragraphs, or a raw body, or a raw word/document.xml."""
    if document_xml is None:
        document_xml = docx_document_xml(
            body if body is not None else "".join(docx_paragraph(p) for p in paragraphs)
        )
    members = {
        "[Content_Types].xml": DOCX_CONTENT_TYPES.format(main=main_type).encode(),
        "_rels/.rels": DOCX_RELS.encode(),
        "word/document.xml": document_xml.encode(),
        **(extra or {}),
    }
    return _zip(members, compression)


# ODT -------------------------------------------------------------------------------------------

ODT_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
)


def odt_paragraph(text: str) -> str:
    parts = [escape(part) for part in text.split("\t")]
    return "<text:p>" + "<text:tab/>".join(parts) + "</text:p>"


def odt(
    paragraphs: Iterable[str] = (),
    *,
    body: str | None = None,
    mimetype: str = ODT_MIMETYPE,
    extra: dict[str, bytes] | None = None,
    encrypted: bool = False,
) -> bytes:
    """A minimal OpenDocument text; `mimetype` is stored first and uncompressed (as ODF asks)."""
    text = body if body is not None else "".join(odt_paragraph(p) for p in paragraphs)
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ODT_NS} '
        f'office:version="1.3"><office:body><office:text>{text}</office:text></office:body>'
        "</office:document-content>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", mimetype, compress_type=zipfile.ZIP_STORED)
        archive.writestr(
            "META-INF/manifest.xml",
            ODT_MANIFEST.format(mimetype=mimetype, encryption=ODT_ENCRYPTION if encrypted else ""),
            compress_type=zipfile.ZIP_DEFLATED,
        )
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        for name, data in (extra or {}).items():
            archive.writestr(name, data, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def _zip(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


# Raw ZIP records, for archives whose headers lie -----------------------------------------------


@dataclass(frozen=True)
class RawMember:
    name: str
    payload: bytes  # as stored (deflated when method is 8)
    crc: int
    declared_size: int  # the uncompressed size the headers claim
    method: int = zipfile.ZIP_DEFLATED


def raw_member(name: str, data: bytes, *, declared_size: int | None = None) -> RawMember:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    payload = compressor.compress(data) + compressor.flush()
    size = len(data) if declared_size is None else declared_size
    return RawMember(name, payload, zlib.crc32(data), size)


def raw_zip(members: Sequence[RawMember]) -> bytes:
    """A ZIP archive written record by record, with whatever sizes the members declare."""
    out = io.BytesIO()
    directory = io.BytesIO()
    for member in members:
        offset = out.tell()
        name = member.name.encode()
        header = struct.pack(
            "<4s5H3L2H",
            b"PK\x03\x04",
            20,
            0,
            member.method,
            0,
            0x21,
            member.crc,
            len(member.payload),
            member.declared_size & 0xFFFFFFFF,
            len(name),
            0,
        )
        out.write(header + name + member.payload)
        directory.write(
            struct.pack(
                "<4s6H3L5H2L",
                b"PK\x01\x02",
                20,
                20,
                0,
                member.method,
                0,
                0x21,
                member.crc,
                len(member.payload),
                member.declared_size & 0xFFFFFFFF,
                len(name),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + name
        )
    start = out.tell()
    entries = directory.getvalue()
    out.write(entries)
    out.write(
        struct.pack(
            "<4s4H2LH", b"PK\x05\x06", 0, 0, len(members), len(members), len(entries), start, 0
        )
    )
    return out.getvalue()


@cache
def _deflated_zeros(size: int) -> tuple[bytes, int]:
    """`size` zero bytes deflated at the highest ratio, and their CRC (built once per run)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunk = b"\0" * (1 << 20)
    parts = []
    crc = 0
    for _ in range(size // len(chunk)):
        parts.append(compressor.compress(chunk))
        crc = zlib.crc32(chunk, crc)
    parts.append(compressor.flush())
    return b"".join(parts), crc


GIGABYTE = 1 << 30


def zip_bomb_docx(*, honest: bool) -> bytes:
    """A .docx whose document.xml inflates to 1 GiB of zeros (about 1 MB packed). Honest: the
    headers say 1 GiB; dishonest: they claim 1 KB, so only a bounded read saves the reader."""
    payload, crc = _deflated_zeros(GIGABYTE)
    declared = GIGABYTE if honest else 1024
    return raw_zip(
        [
            raw_member(
                "[Content_Types].xml", DOCX_CONTENT_TYPES.format(main=DOCX_MAIN_TYPE).encode()
            ),
            RawMember("word/document.xml", payload, crc, declared),
        ]
    )


def many_members_zip(count: int = 20_000) -> bytes:
    """A .docx-looking archive with `count` tiny members."""
    members = [
        raw_member("[Content_Types].xml", DOCX_CONTENT_TYPES.format(main=DOCX_MAIN_TYPE).encode()),
        raw_member("word/document.xml", docx_document_xml(docx_paragraph("Hi")).encode()),
    ]
    members += [raw_member(f"word/media/x{number}.xml", b"") for number in range(count)]
    return raw_zip(members)


def xxe_docx() -> bytes:
    prolog = '<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    xml = docx_document_xml("<w:p><w:r><w:t>&xxe;</w:t></w:r></w:p>", prolog=prolog)
    return docx(document_xml=xml)


def billion_laughs_docx() -> bytes:
    entities = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{n} "{("&lol" + str(n - 1) + ";") * 10}">' for n in range(1, 10)
    )
    prolog = f"<!DOCTYPE w:document [{entities}]>"
    xml = docx_document_xml("<w:p><w:r><w:t>&lol9;</w:t></w:r></w:p>", prolog=prolog)
    return docx(document_xml=xml)


def macro_docm() -> bytes:
    return docx(
        ["Curriculum vitae"],
        main_type=DOCM_MAIN_TYPE,
        extra={"word/vbaProject.bin": b"\xd0\xcf\x11\xe0 not really VBA"},
    )


def encrypted_ooxml() -> bytes:
    """The start of an OLE compound file holding an encrypted .docx (its stream names matter)."""
    header = bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 504
    names = b"".join(
        name.encode("utf-16-le").ljust(64, b"\0") + b"\0" * 64
        for name in ("Root Entry", "EncryptionInfo", "EncryptedPackage")
    )
    return header + names + b"\0" * 4096


def old_word_doc() -> bytes:
    header = bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 504
    names = b"".join(
        name.encode("utf-16-le").ljust(64, b"\0") + b"\0" * 64
        for name in ("Root Entry", "WordDocument", "1Table")
    )
    return header + names + b"\0" * 4096


# PDF -------------------------------------------------------------------------------------------


def _pdf_string(text: str) -> bytes:
    raw = text.encode("cp1252")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def _pdf_page_content(lines: Sequence[str]) -> bytes:
    ops = [b"BT", b"/F1 11 Tf", b"14 TL", b"56 780 Td"]
    for line in lines:
        ops.append(_pdf_string(line) + b" Tj T*")
    ops.append(b"ET")
    return b"\n".join(ops)


def pdf(
    pages: Sequence[Sequence[str]], *, image_only: bool = False, raw_content: bytes | None = None
) -> bytes:
    """A hand-written PDF: one page per list of lines, in Helvetica (WinAnsi, so æøå work).
    `image_only`: each page only paints a 1x1 image, like a scan without a text layer;
    `raw_content`: each page's content stream, deflated."""
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    catalog = add(b"")  # filled in below
    page_tree = add(b"")
    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    image = add(
        b"<< /Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray "
        b"/BitsPerComponent 8 /Length 1 >>\nstream\n\x80\nendstream"
    )
    kids = []
    for lines in pages:
        content = b"q 500 0 0 700 50 50 cm /Im1 Do Q" if image_only else _pdf_page_content(lines)
        flate = b""
        if raw_content is not None:
            content, flate = zlib.compress(raw_content, 9), b" /Filter /FlateDecode"
        stream = add(
            b"<< /Length %d%s >>\nstream\n" % (len(content), flate) + content + b"\nendstream"
        )
        kids.append(
            add(
                b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Contents %d 0 R "
                b"/Resources << /Font << /F1 %d 0 R >> /XObject << /Im1 %d 0 R >> >> >>"
                % (page_tree, stream, font, image)
            )
        )
    objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % page_tree
    objects[page_tree - 1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % kid for kid in kids),
        len(kids),
    )
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n"
        % (len(objects) + 1, catalog, xref)
    )
    return out.getvalue()


def encrypted_pdf(
    *,
    user_password: str = "secret",  # noqa: S107
    owner_password: str = "owner",  # noqa: S107
    algorithm: str | None = None,
) -> bytes:
    """A one-line PDF encrypted by pypdf (its default RC4-128 unless `algorithm`, e.g. AES-256)."""
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(pdf([["Jane Doe, CV"]]))))
    writer.encrypt(user_password=user_password, owner_password=owner_password, algorithm=algorithm)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def many_pages_pdf(count: int = 1_000) -> bytes:
    writer = pypdf.PdfWriter()
    for _ in range(count):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def huge_page_pdf(operations: int = 2_000_000) -> bytes:
    """One page whose deflated content stream shows a letter `operations` times (a slow page)."""
    return pdf([[]], raw_content=b"BT /F1 11 Tf 56 780 Td\n" + b"(x) Tj\n" * operations + b"ET")


# Everything else -------------------------------------------------------------------------------

PNG_BYTES = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082"
)
ELF_BYTES = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00" + b"\x00" * 200

CV_LINES_EN = ["Jane Doe", "Experience", "2015 \u2013 2019\tDeveloper, Acme Ltd"]
CV_LINES_DA = ["Søren Østergård", "Erhvervserfaring", "marts 2016 - nu\tLærer, Åby Skole"]


def write_corpus(directory: Path) -> list[Path]:
    """Write every corpus file into `directory` (for trying the reader by hand)."""
    builders: dict[str, Callable[[], bytes]] = {
        "cv.docx": lambda: docx(CV_LINES_EN),
        "cv.odt": lambda: odt(CV_LINES_DA),
        "cv.pdf": lambda: pdf([CV_LINES_DA]),
        "cv-utf8.txt": lambda: "\n".join(CV_LINES_DA).encode(),
        "cv-cp1252.txt": lambda: "\n".join(CV_LINES_DA).encode("cp1252"),
        "bomb.docx": lambda: zip_bomb_docx(honest=True),
        "lying-bomb.docx": lambda: zip_bomb_docx(honest=False),
        "many.docx": many_members_zip,
        "xxe.docx": xxe_docx,
        "laughs.docx": billion_laughs_docx,
        "macro.docm": macro_docm,
        "encrypted.pdf": encrypted_pdf,
        "encrypted.docx": encrypted_ooxml,
        "old.doc": old_word_doc,
        "1000-pages.pdf": many_pages_pdf,
        "scan.pdf": lambda: pdf([[]], image_only=True),
        "png.pdf": lambda: PNG_BYTES,
        "elf.docx": lambda: ELF_BYTES,
    }
    written = []
    directory.mkdir(parents=True, exist_ok=True)
    for name, build in builders.items():
        path = directory / name
        path.write_bytes(build())
        written.append(path)
    return written
