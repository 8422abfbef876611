"""Security review of the HR-export import: crafted and damaged files, NUL characters, failures.

Each test here failed on the code before the fixes:
1. a tiny XLSX whose one row is numbered 3,000,000 cost seconds of CPU, inside the request;
2. damaged XLSX cells or a zip whose size fields lie answered 500 on the page and the API;
3. a NUL after the first 4 KB of a CSV passed the check, and a crash in an import task left the
   import 'checking' or 'importing' forever, with no way to retry it.
"""

from __future__ import annotations

import io
import secrets
import struct
import time
import zipfile
from typing import Any
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from springboard.employers import services
from springboard.employers import tasks as employer_tasks
from springboard.employers.importing import reading
from springboard.employers.models import Engagement, Enrolment, EnrolmentImport, ImportStatus
from springboard.employers.services import import_steps
from springboard.employers.services import imports as import_requests
from springboard.lib.errors import DomainError
from springboard.lib.stored_files import read_stored
from tests.employer_fixtures import csv_bytes, make_engagement, person_row, xlsx_bytes
from tests.factories import World

TIME_BOUND_SECONDS = 2.0  # generous for a slow CI box; the old reader took ~17 s

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"


def _inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def _header_row() -> str:
    return f'<row r="1">{_inline("A1", "Name")}{_inline("B1", "Email")}</row>'


def _person_row(number: int, *, email_cell: str | None = None) -> str:
    email = email_cell or _inline(f"B{number}", f"p{number}@hr.example")
    return f'<row r="{number}">{_inline(f"A{number}", f"Person {number}")}{email}</row>'


def crafted_xlsx(
    rows_xml: str, *, dimension: str | None = None, shared_strings: list[str] | None = None
) -> bytes:
    """A minimal workbook written part by part, so each part can say whatever a test needs."""
    dimension_xml = f'<dimension ref="{dimension}"/>' if dimension else ""
    sheet = (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{_MAIN}">{dimension_xml}'
        f"<sheetData>{rows_xml}</sheetData></worksheet>"
    )
    overrides = (
        f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_CT}.worksheet+xml"/>'
    )
    workbook_rels = (
        f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    )
    parts: dict[str, str] = {}
    if shared_strings is not None:
        overrides += (
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_CT}.sharedStrings+xml"/>'
        )
        workbook_rels += (
            f'<Relationship Id="rId2" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/>'
        )
        items = "".join(f"<si><t>{text}</t></si>" for text in shared_strings)
        parts["xl/sharedStrings.xml"] = f'<sst xmlns="{_MAIN}">{items}</sst>'
    parts |= {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f"{overrides}</Types>"
        ),
        "_rels/.rels": (
            f'<Relationships xmlns="{_PKG_REL}"><Relationship Id="rId1" '
            f'Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>'
            '<sheet name="People" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{_PKG_REL}">{workbook_rels}</Relationships>'
        ),
        "xl/worksheets/sheet1.xml": sheet,
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def with_lying_size(content: bytes, member: str = "xl/worksheets/sheet1.xml") -> bytes:
    """`content` with `member`'s uncompressed size halved in its local and central headers."""
    data = bytearray(content)
    info = zipfile.ZipFile(io.BytesIO(content)).getinfo(member)
    lie = struct.pack("<I", info.file_size // 2)
    data[info.header_offset + 22 : info.header_offset + 26] = lie  # local file header
    central = data.rfind(member.encode()) - 46  # the name follows the 46-byte central header
    assert data[central : central + 4] == b"PK\x01\x02"
    data[central + 24 : central + 28] = lie
    return bytes(data)


THREE_MILLION = _header_row() + _person_row(3_000_000)
DAMAGED = {
    "bad number": crafted_xlsx(
        _header_row() + _person_row(2, email_cell='<c r="B2"><v>12abc</v></c>')
    ),
    "bad date": crafted_xlsx(
        _header_row() + _person_row(2, email_cell='<c r="B2" t="d"><v>the 32nd of May</v></c>')
    ),
    "shared string out of range": crafted_xlsx(
        _header_row() + _person_row(2, email_cell='<c r="B2" t="s"><v>99</v></c>'),
        shared_strings=["only one"],
    ),
    "shared string not a number": crafted_xlsx(
        _header_row() + _person_row(2, email_cell='<c r="B2" t="s"><v>first</v></c>'),
        shared_strings=["only one"],
    ),
    "zip size fields lie": with_lying_size(
        crafted_xlsx(_header_row() + "".join(_person_row(n) for n in range(2, 400)))
    ),
}


# --- helpers -----------------------------------------------------------------------------------


def _upload_url(engagement: Engagement) -> str:
    return reverse(
        "employers:import_upload",
        kwargs={"agency_slug": engagement.agency.slug, "public_id": engagement.public_id},
    )


def _detail_url(upload: EnrolmentImport) -> str:
    return reverse(
        "employers:import_detail",
        kwargs={"agency_slug": upload.agency.slug, "public_id": upload.public_id},
    )


def _api_url(name: str, **kwargs: Any) -> str:
    return reverse(f"api:{name}", kwargs=kwargs)


def _admin_client(world: World) -> Client:
    client = Client()
    client.force_login(world.a.admin.user)
    return client


def _page_upload(
    client: Client, engagement: Engagement, content: bytes, name: str, capture: Any
) -> EnrolmentImport:
    with capture(execute=True):
        response = client.post(
            _upload_url(engagement),
            {"file": SimpleUploadedFile(name, content), "default_language": "en"},
        )
    assert response.status_code == 302, response.content[:500]
    return EnrolmentImport.objects.get(engagement=engagement)


def _api_upload(
    client: Client, engagement: Engagement, content: bytes, name: str, capture: Any
) -> dict[str, Any]:
    with capture(execute=True):
        response = client.post(
            _api_url(
                "engagement_imports",
                agency_slug=engagement.agency.slug,
                engagement_id=engagement.public_id,
            ),
            {"file": SimpleUploadedFile(name, content)},
        )
    assert response.status_code == 201, response.content[:500]
    detail = client.get(
        _api_url("import", agency_slug=engagement.agency.slug, import_id=response.json()["id"])
    )
    assert detail.status_code == 200
    result: dict[str, Any] = detail.json()
    return result


# --- finding 1: bounded reading, in a task -------------------------------------------------------


@pytest.mark.parametrize(
    "dimension", ["A1:B3000000", None, "A1:B2"], ids=["declared", "undeclared", "lying"]
)
def test_a_row_numbered_three_million_is_refused_fast(dimension: str | None) -> None:
    content = crafted_xlsx(THREE_MILLION, dimension=dimension)
    assert len(content) < 2048
    started = time.perf_counter()
    with pytest.raises(reading.ImportFileError) as caught:
        reading.read_table(content, reading.check_file("hr.xlsx", content))
    assert time.perf_counter() - started < TIME_BOUND_SECONDS
    assert "rows" in str(caught.value)
    assert "3,000,000" in str(caught.value) or "empty rows included" in str(caught.value)


def test_rows_openpyxl_parses_but_never_hands_out_count_too() -> None:
    # Rows numbered like the one before them are parsed one by one and then dropped; random
    # attributes keep the file compressible only as much as a real export is.
    repeated = "".join(
        f'<row r="2" spans="1:{secrets.token_hex(4)}"/>' for _ in range(reading.max_rows_walked())
    )
    content = crafted_xlsx(_header_row() + repeated)
    kind = reading.check_file("hr.xlsx", content)
    started = time.perf_counter()
    with pytest.raises(reading.ImportFileError, match="empty rows included"):
        reading.read_table(content, kind)
    assert time.perf_counter() - started < TIME_BOUND_SECONDS


def test_a_row_with_more_cells_than_excel_allows_is_refused() -> None:
    cells = "".join(
        f'<c s="{secrets.randbelow(10**6)}"/>' for _ in range(reading.MAX_XLSX_ROW_CELLS + 1)
    )
    content = crafted_xlsx(_header_row() + f'<row r="2">{cells}</row>')
    with pytest.raises(reading.ImportFileError, match="implausible size"):
        reading.read_table(content, reading.check_file("hr.xlsx", content))


def test_empty_rows_count_towards_the_walk_limit() -> None:
    lines = b"name;email\n" + b";\n" * (reading.max_rows_walked() + 1) + b"Ada;ada@hr.example\n"
    with pytest.raises(reading.ImportFileError, match="empty rows included"):
        reading.read_table(lines, "csv")


def test_a_sheet_declaring_a_small_range_still_yields_all_its_rows() -> None:
    rows = _header_row() + "".join(_person_row(n) for n in range(2, 6))
    table = reading.read_table(crafted_xlsx(rows, dimension="A1"), "xlsx")
    assert [row[1] for row in table.rows] == [f"p{n}@hr.example" for n in range(2, 6)]


def test_the_upload_request_only_stores_the_file_and_a_task_reads_it(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    engagement = make_engagement(world.a)
    client = _admin_client(world)
    content = csv_bytes([person_row(n) for n in range(3)])
    with (
        django_capture_on_commit_callbacks() as callbacks,
        mock.patch.object(import_requests, "read_table", side_effect=AssertionError("parsed")),
        mock.patch.object(reading, "read_table", side_effect=AssertionError("parsed")),
    ):
        response = client.post(
            _upload_url(engagement),
            {"file": SimpleUploadedFile("hr.csv", content), "default_language": "en"},
        )
    assert response.status_code == 302
    upload = EnrolmentImport.objects.get(engagement=engagement)
    assert upload.status == ImportStatus.READING
    assert read_stored(upload.content) == content
    page = client.get(_detail_url(upload))
    assert "Reading the rows of the file" in page.text
    assert 'hx-trigger="every 1s"' in page.text

    for callback in callbacks:  # the worker picks the task up
        callback()
    upload.refresh_from_db()
    assert upload.status == ImportStatus.VALIDATED
    assert (upload.total_rows, upload.errors) == (3, [])
    poll = client.get(
        _detail_url(upload), headers={"HX-Request": "true", "HX-Trigger": "import-state"}
    )
    assert poll["HX-Refresh"] == "true"  # done: the whole page, with its column form, reloads
    assert "All 3 rows are valid" in client.get(_detail_url(upload)).text


def test_a_crafted_xlsx_fails_on_the_page_and_in_the_api_quickly(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    client = _admin_client(world)
    content = crafted_xlsx(THREE_MILLION, dimension=None)
    started = time.perf_counter()
    upload = _page_upload(
        client, make_engagement(world.a), content, "hr.xlsx", django_capture_on_commit_callbacks
    )
    result = _api_upload(
        client,
        make_engagement(world.a, name="Second"),
        content,
        "hr.xlsx",
        django_capture_on_commit_callbacks,
    )
    assert time.perf_counter() - started < 2 * TIME_BOUND_SECONDS
    assert upload.status == ImportStatus.FAILED
    assert "empty rows included" in upload.failure
    assert upload.failure in client.get(_detail_url(upload)).text
    assert result["status"] == "failed"
    assert "empty rows included" in result["failure"]


def test_a_failure_message_is_in_the_uploaders_language(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    world.a.admin.user.language = "nl"
    world.a.admin.user.save(update_fields=["language"])
    client = _admin_client(world)
    upload = _page_upload(
        client,
        make_engagement(world.a),
        crafted_xlsx(THREE_MILLION),
        "hr.xlsx",
        django_capture_on_commit_callbacks,
    )
    assert upload.status == ImportStatus.FAILED
    assert "empty rows included" not in upload.failure
    assert "25,001" in upload.failure
    assert "lege rijen meegeteld" in upload.failure  # read in the worker, in the uploader's words


# --- finding 2: damaged XLSX files ---------------------------------------------------------------


@pytest.mark.parametrize("variant", list(DAMAGED))
def test_a_damaged_xlsx_fails_clearly_on_the_page(
    world: World, django_capture_on_commit_callbacks: Any, variant: str
) -> None:
    client = _admin_client(world)
    upload = _page_upload(
        client,
        make_engagement(world.a),
        DAMAGED[variant],
        "hr.xlsx",
        django_capture_on_commit_callbacks,
    )
    assert upload.status == ImportStatus.FAILED
    assert "XLSX file" in upload.failure
    page = client.get(_detail_url(upload))
    assert page.status_code == 200
    assert "The import failed and nothing was saved." in page.text
    assert upload.failure in page.text


@pytest.mark.parametrize("variant", list(DAMAGED))
def test_a_damaged_xlsx_fails_clearly_in_the_api(
    world: World, django_capture_on_commit_callbacks: Any, variant: str
) -> None:
    result = _api_upload(
        _admin_client(world),
        make_engagement(world.a),
        DAMAGED[variant],
        "hr.xlsx",
        django_capture_on_commit_callbacks,
    )
    assert result["status"] == "failed"
    assert "XLSX file" in result["failure"]


@pytest.mark.parametrize("variant", list(DAMAGED))
def test_the_enrol_command_path_reports_a_damaged_xlsx(world: World, variant: str) -> None:
    with pytest.raises(DomainError, match="XLSX file"):
        services.enrolment_import_upload(
            engagement=make_engagement(world.a),
            cohort=None,
            actor=world.a.admin,
            file_name="hr.xlsx",
            content=DAMAGED[variant],
            default_language="en",
        )


def test_a_zip_member_claiming_data_without_compressed_bytes_is_refused_at_once(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    content = bytearray(xlsx_bytes([person_row(1)]))
    info = zipfile.ZipFile(io.BytesIO(bytes(content))).getinfo("xl/worksheets/sheet1.xml")
    central = bytes(content).rfind(b"xl/worksheets/sheet1.xml") - 46
    content[central + 20 : central + 24] = struct.pack("<I", 0)  # compressed size: nothing
    content[info.header_offset + 18 : info.header_offset + 22] = struct.pack("<I", 0)
    client = _admin_client(world)
    engagement = make_engagement(world.a)
    page = client.post(
        _upload_url(engagement),
        {"file": SimpleUploadedFile("hr.xlsx", bytes(content)), "default_language": "en"},
    )
    assert page.status_code == 200
    assert "implausible size" in page.text
    api = client.post(
        _api_url(
            "engagement_imports",
            agency_slug=engagement.agency.slug,
            engagement_id=engagement.public_id,
        ),
        {"file": SimpleUploadedFile("hr.xlsx", bytes(content))},
    )
    assert api.status_code == 400
    assert "implausible size" in api.json()["detail"]
    assert not EnrolmentImport.objects.exists()


# --- finding 3: NUL characters, failed imports, retries ------------------------------------------


def _csv_with_nul_late() -> bytes:
    rows = [person_row(n) for n in range(80)]
    rows[60] = person_row(60, Functie="Warehouse\x00operator")
    content = csv_bytes(rows)
    assert content.index(b"\x00") > 4096
    return content


def test_a_nul_after_the_first_4kb_is_refused_naming_its_row(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    client = _admin_client(world)
    content = _csv_with_nul_late()
    upload = _page_upload(
        client, make_engagement(world.a), content, "hr.csv", django_capture_on_commit_callbacks
    )
    assert upload.status == ImportStatus.FAILED
    assert "Row 62 contains a character that cannot be stored" in upload.failure
    assert upload.failure in client.get(_detail_url(upload)).text
    result = _api_upload(
        client,
        make_engagement(world.a, name="Second"),
        content,
        "hr.csv",
        django_capture_on_commit_callbacks,
    )
    assert result["status"] == "failed"
    assert "Row 62" in result["failure"]
    with pytest.raises(DomainError, match="Row 62"):
        services.enrolment_import_upload(
            engagement=make_engagement(world.a, name="Third"),
            cohort=None,
            actor=world.a.admin,
            file_name="hr.csv",
            content=content,
            default_language="en",
        )
    assert not Enrolment.objects.exists()


def test_a_nul_in_the_header_and_a_lone_surrogate_are_refused() -> None:
    header = b"name;email\x00;phone\n" + b"Ada;ada@hr.example;\n" * 3
    with pytest.raises(reading.ImportFileError, match="Row 1 "):
        reading.read_table(header, "csv")
    odd = iter([["name", "email"], ["Ada \ud800", "ada@hr.example"]])
    with (
        mock.patch.object(reading, "_csv_rows", return_value=odd),
        pytest.raises(reading.ImportFileError, match="Row 2 "),
    ):
        reading.read_table(b"name,email\n", "csv")
    assert reading.storable("hr\x00.csv") == "hr\ufffd.csv"


def test_a_crash_while_checking_leaves_the_import_failed_and_retry_works(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    client = _admin_client(world)
    engagement = make_engagement(world.a)
    with mock.patch.object(
        import_steps, "preview_counts", side_effect=RuntimeError("disk on fire")
    ):
        upload = _page_upload(
            client,
            engagement,
            csv_bytes([person_row(n) for n in range(4)]),
            "hr.csv",
            django_capture_on_commit_callbacks,
        )
    assert upload.status == ImportStatus.FAILED  # not stuck in 'checking'
    assert "Something went wrong" in upload.failure
    assert "disk on fire" not in upload.failure  # internals stay in the log
    page = client.get(_detail_url(upload))
    assert "Try again" in page.text
    with django_capture_on_commit_callbacks(execute=True):
        retried = client.post(_detail_url(upload) + "start/")
    assert retried.status_code == 302
    upload.refresh_from_db()
    assert (upload.status, upload.failure) == (ImportStatus.VALIDATED, "")
    assert upload.summary["new"] == 4


def test_a_crash_while_importing_leaves_it_failed_and_the_api_retries_it(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    client = _admin_client(world)
    engagement = make_engagement(world.a)
    result = _api_upload(
        client,
        engagement,
        csv_bytes([person_row(n) for n in range(5)]),
        "hr.csv",
        django_capture_on_commit_callbacks,
    )
    assert result["status"] == "validated"
    start_url = _api_url("import_start", agency_slug=world.a.agency.slug, import_id=result["id"])
    detail_url = _api_url("import", agency_slug=world.a.agency.slug, import_id=result["id"])
    with (
        mock.patch.object(import_steps, "write_rows", side_effect=RuntimeError("worker lost")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert client.post(start_url).status_code == 202
    failed = client.get(detail_url).json()
    assert failed["status"] == "failed"  # not stuck in 'importing'
    assert "Something went wrong" in failed["failure"]
    assert not Enrolment.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(start_url)
    assert again.status_code == 202
    done = client.get(detail_url).json()
    assert done["status"] == "done"
    assert done["summary"]["created"] == 5
    assert Enrolment.objects.filter(engagement=engagement).count() == 5
    assert client.post(start_url).status_code == 400  # a finished import is not started again


def test_any_exception_in_a_task_leaves_the_import_failed(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    client = _admin_client(world)
    with mock.patch.object(
        employer_tasks, "enrolment_import_read", side_effect=RuntimeError("out of memory")
    ):
        upload = _page_upload(
            client,
            make_engagement(world.a),
            csv_bytes([person_row(1)]),
            "hr.csv",
            django_capture_on_commit_callbacks,
        )
    assert upload.status == ImportStatus.FAILED
    assert upload.failure
    with django_capture_on_commit_callbacks(execute=True):
        services.enrolment_import_start(upload=upload, actor=world.a.admin)
    upload.refresh_from_db()
    assert upload.status == ImportStatus.VALIDATED


def test_dates_outside_the_accepted_range_are_not_dates() -> None:
    """0001-01-01 from an HR file would overflow later date arithmetic: refused as a bad date."""
    from springboard.employers.importing.validation import parse_date

    assert parse_date("0001-01-01") is None
    assert parse_date("31-12-9999") is None
    assert parse_date("2026-03-02") is not None
