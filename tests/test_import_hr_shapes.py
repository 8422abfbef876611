"""Enrolment files shaped as HR systems write them: the name in two columns, a name written
"Last, First", a required field without a column, and XLSX formulas without a saved value."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from springboard.employers.forms import ColumnMappingForm
from springboard.employers.importing import reading
from springboard.employers.importing.fields import guess_mapping, possible_fields
from springboard.employers.models import (
    ColumnMapping,
    Engagement,
    Enrolment,
    EnrolmentImport,
    ImportStatus,
)
from springboard.tenancy.models import Membership
from tests.employer_fixtures import (
    SPLIT_NAME_HEADERS,
    checked_import,
    csv_bytes,
    make_engagement,
    run_import,
    split_name_row,
    xlsx_bytes,
)
from tests.factories import World

# The shared upload-and-check and start helpers, under this module's short names.
_import = checked_import
_run = run_import

FORMULA_MESSAGE = (
    "A formula without a saved value — open the file in Excel and save it, or paste values."
)


def _name_of(email: str) -> str:
    """The name stored for the candidate with this e-mail address."""
    return Membership.objects.get(user__email=email).full_name


def _problems(upload: EnrolmentImport) -> list[tuple[int, str, str]]:
    return [(e["row"], e["column"], e["message"]) for e in upload.errors]


@pytest.mark.parametrize("language", sorted(SPLIT_NAME_HEADERS))
def test_first_and_last_name_columns_are_recognised_and_joined(
    world: World, django_capture_on_commit_callbacks: Any, language: str
) -> None:
    headers = SPLIT_NAME_HEADERS[language]
    rows = [split_name_row(n, language) for n in range(6)]
    upload = _import(world, csv_bytes(rows, headers), django_capture_on_commit_callbacks)
    assert upload.mapping["first_name"] == headers[1]
    assert upload.mapping["last_name"] == headers[2]
    assert "full_name" not in upload.mapping
    assert upload.status == ImportStatus.VALIDATED
    assert upload.errors == []
    done = _run(world, upload, django_capture_on_commit_callbacks)
    assert done.status == ImportStatus.DONE
    assert _name_of("person00001@hr.example") == "Jan de Vries 001"
    assert _name_of("person00002@hr.example") == "Søren Jørgensen 002"


def test_a_dutch_prefix_column_goes_between_first_and_last_name(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    headers = ["Voornaam", "Tussenvoegsel", "Achternaam", "E-mailadres"]
    rows = [["Jan", "van der", "Berg", "jan@hr.example"], ["Anna", "", "Smit", "anna@hr.example"]]
    upload = _import(world, csv_bytes(rows, headers), django_capture_on_commit_callbacks)
    assert upload.mapping["middle_name"] == "Tussenvoegsel"
    _run(world, upload, django_capture_on_commit_callbacks)
    assert _name_of("jan@hr.example") == "Jan van der Berg"
    assert _name_of("anna@hr.example") == "Anna Smit"


def test_the_call_name_wins_over_the_official_first_names() -> None:
    mapping = guess_mapping(["Voornamen", "Roepnaam", "Achternaam", "Naam", "E-mail"])
    assert mapping["first_name"] == "Roepnaam"
    assert mapping["last_name"] == "Achternaam"
    assert "full_name" not in mapping  # a name in two columns wins over a Name column


def test_first_and_last_name_are_required_on_every_row(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    headers = SPLIT_NAME_HEADERS["da"]
    rows = [
        split_name_row(0, "da"),
        split_name_row(1, "da", Efternavn=""),
        split_name_row(2, "da", Fornavn=""),
        split_name_row(3, "da"),
    ]
    upload = _import(world, csv_bytes(rows, headers), django_capture_on_commit_callbacks)
    assert _problems(upload) == [
        (3, "Last name", "This field is required."),
        (4, "First name", "This field is required."),
    ]
    assert upload.checked_rows == ""
    assert not Enrolment.objects.exists()


def test_only_a_first_name_column_asks_for_the_last_name(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    headers = ["Fornavn", "E-post"]
    upload = _import(
        world, csv_bytes([["Kari", "kari@hr.example"]], headers), django_capture_on_commit_callbacks
    )
    assert _problems(upload) == [(1, "Last name", "Choose a column for this field.")]


def test_a_name_written_last_comma_first_when_the_mapping_says_so(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    headers = ["Medewerker", "E-mailadres"]
    rows = [
        ["van der Berg, Jan", "jan@hr.example"],
        ["Smit,Anna", "anna@hr.example"],
        ["Pieter Jansen", "pieter@hr.example"],
        ["Berg, Anna, Jr", "junior@hr.example"],
    ]
    engagement = make_engagement(world.a)
    upload = _import(
        world,
        csv_bytes(rows, headers),
        django_capture_on_commit_callbacks,
        extra={"name_order": "last_first"},
        engagement=engagement,
    )
    assert _problems(upload) == [
        (4, "Name", "Not written as “Last name, First name”."),
        (5, "Name", "Not written as “Last name, First name”."),
    ]
    # The choice is remembered for the employer with the columns.
    remembered = ColumnMapping.objects.get(employer=engagement.employer).mapping
    assert remembered["name_order"] == "last_first"
    again = _import(
        world,
        csv_bytes(rows[:2], headers),
        django_capture_on_commit_callbacks,
        engagement=engagement,
    )
    assert again.mapping["name_order"] == "last_first"
    assert again.errors == []
    _run(world, again, django_capture_on_commit_callbacks)
    assert _name_of("jan@hr.example") == "Jan van der Berg"
    assert _name_of("anna@hr.example") == "Anna Smit"


def test_without_the_choice_a_comma_name_is_kept_as_written(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    upload = _import(
        world,
        csv_bytes([["Berg, Anna", "anna@hr.example"]], ["Name", "Email"]),
        django_capture_on_commit_callbacks,
    )
    _run(world, upload, django_capture_on_commit_callbacks)
    assert _name_of("anna@hr.example") == "Berg, Anna"


def test_the_mapping_form_takes_two_name_columns_or_one(world: World) -> None:
    headers = ["Fornavn", "Etternavn", "Navn", "E-post"]
    both = ColumnMappingForm(
        {"first_name": "Fornavn", "last_name": "Etternavn", "email": "E-post"}, headers=headers
    )
    assert both.is_valid(), both.errors
    half = ColumnMappingForm({"first_name": "Fornavn", "email": "E-post"}, headers=headers)
    assert not half.is_valid()
    assert half.errors["last_name"] == ["Choose a column for this field."]
    none = ColumnMappingForm({"email": "E-post"}, headers=headers)
    assert not none.is_valid()
    assert none.errors["full_name"] == ["Choose a column for this field."]
    three = ColumnMappingForm(
        {"full_name": "Navn", "first_name": "Fornavn", "last_name": "Etternavn", "email": "E-post"},
        headers=headers,
    )
    assert not three.is_valid()
    assert "full_name" in three.errors
    order = ColumnMappingForm(
        {"full_name": "Navn", "name_order": "last_first", "email": "E-post"}, headers=headers
    )
    assert order.is_valid(), order.errors
    assert order.cleaned_data["name_order"] == "last_first"


def _enrol(world: World, path: Any, *extra: str) -> None:
    engagement = Engagement.objects.filter(employer=world.a.employer).first()
    engagement = engagement or make_engagement(world.a)
    call_command(
        "enrol",
        "--engagement",
        str(engagement.public_id),
        "--actor",
        world.a.admin.user.email,
        *extra,
        str(path),
    )


def test_the_command_lists_the_headers_and_the_map_option_when_a_column_is_missing(
    world: World, tmp_path: Any, capsys: Any
) -> None:
    path = tmp_path / "hr.csv"
    headers = ["Medarbejdernavn", "E-mail", "Afdeling"]
    path.write_bytes(csv_bytes([["Mette Holm", "mette@hr.example", "Lager"]], headers))
    with pytest.raises(SystemExit):
        _enrol(world, path)
    err = capsys.readouterr().err
    assert "row 1: Name: Choose a column for this field." in err
    assert "Medarbejdernavn: could be full_name" in err
    assert "E-mail: used for email" in err
    assert "Afdeling: used for department" in err
    assert "--map full_name=Medarbejdernavn" in err
    assert "--map first_name=HEADER --map last_name=HEADER" in err

    _enrol(world, path, "--map", "full_name=Medarbejdernavn")
    assert "1 new" in capsys.readouterr().out
    assert _name_of("mette@hr.example") == "Mette Holm"


def test_the_command_quotes_headers_and_takes_the_name_order(
    world: World, tmp_path: Any, capsys: Any
) -> None:
    path = tmp_path / "hr.csv"
    headers = ["Employee name (surname first)", "Email"]
    path.write_bytes(csv_bytes([["Berg, Anna", "anna@hr.example"]], headers))
    with pytest.raises(SystemExit):
        _enrol(world, path)
    err = capsys.readouterr().err
    assert "--map full_name='Employee name (surname first)'" in err
    _enrol(
        world,
        path,
        "--map",
        "full_name=Employee name (surname first)",
        "--name-order",
        "last-first",
    )
    assert _name_of("anna@hr.example") == "Anna Berg"


def test_the_page_lists_the_file_columns_and_what_each_could_be(
    world: World, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    engagement = make_engagement(world.a)
    client.force_login(world.a.admin.user)
    slug = world.a.agency.slug
    headers = ["Medarbejdernavn", "Privat e-mail", "Afdeling"]
    content = csv_bytes([["Mette Holm", "mette@hr.example", "Lager"]], headers)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse(
                "employers:import_upload",
                kwargs={"agency_slug": slug, "public_id": engagement.public_id},
            ),
            {"file": SimpleUploadedFile("hr.csv", content), "default_language": "da"},
        )
    detail_url = response["Location"]
    page = client.get(detail_url)
    upload = EnrolmentImport.objects.get(engagement=engagement)
    assert upload.status == ImportStatus.UPLOADED  # no column recognised for Name or e-mail
    hints = {hint.header: hint for hint in page.context["form"].header_hints()}
    assert [f.key for f in hints["Medarbejdernavn"].could_be] == ["full_name"]
    assert [f.key for f in hints["Privat e-mail"].could_be] == ["email"]
    assert hints["Afdeling"].used_for is not None
    assert hints["Afdeling"].used_for.key == "department"
    text = page.text
    assert 'id="file-columns"' in text
    assert "The columns of your file" in text
    assert "<td>Medarbejdernavn</td><td>—</td><td>Name</td>" in text
    assert "<td>Afdeling</td><td>Department</td>" in text

    submitted = client.post(detail_url, {"email": "Privat e-mail"})
    assert submitted.status_code == 200
    assert submitted.context["form"].errors["full_name"] == ["Choose a column for this field."]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(detail_url, {"full_name": "Medarbejdernavn", "email": "Privat e-mail"})
    assert "All 1 rows are valid" in client.get(detail_url).text


def test_possible_fields_reads_compound_and_longer_headers() -> None:
    assert [f.key for f in possible_fields("Work e-mail")] == ["email"]
    assert [f.key for f in possible_fields("Efternavn")] == ["last_name"]
    assert possible_fields("Shoe size") == []


def _formula_xlsx() -> bytes:
    """A workbook as a program writes it: formulas without the result a spreadsheet would save
    (openpyxl writes `<f>…</f><v />`), plus a formula Excel saved with an empty text result."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Fornavn", "Efternavn", "E-mail", "Afdeling", "Note"])
    sheet.append(["Mette", "Holm", "mette@hr.example", "Lager", "=1+1"])
    sheet.append(["Søren", "Lund", '=LOWER("SOREN@HR.EXAMPLE")', "Lager", ""])
    sheet.append(["Kari", "=A4", "kari@hr.example", "Lager", ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    # Make D2 a formula saved with an empty text result, as Excel writes =IF(…,"",…).
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                start = data.index(b'<c r="D2"')
                end = data.index(b"</c>", start) + len(b"</c>")
                data = (
                    data[:start] + b'<c r="D2" t="str"><f>IF(1,"","x")</f><v></v></c>' + data[end:]
                )
            target.writestr(info, data)
    return out.getvalue()


def test_formula_cells_without_a_saved_value_are_reported_by_row_and_column(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    content = _formula_xlsx()
    table = reading.read_table(content, "xlsx")
    assert table.unsaved_formulas == {(0, 4), (1, 2), (2, 1)}
    upload = _import(world, content, django_capture_on_commit_callbacks, name="hr.xlsx")
    # Only chosen columns matter (Note is none); D2's saved empty text is no problem.
    assert _problems(upload) == [(3, "E-mail", FORMULA_MESSAGE), (4, "Last name", FORMULA_MESSAGE)]
    assert not Enrolment.objects.exists()


def test_a_row_of_formulas_without_values_is_not_skipped_as_empty(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    content = xlsx_bytes(
        [["Anna Berg", "anna@hr.example"], ["=B2", "=A2"]], headers=["Name", "Email"]
    )
    upload = _import(world, content, django_capture_on_commit_callbacks, name="hr.xlsx")
    assert upload.total_rows == 2
    assert _problems(upload) == [(3, "Name", FORMULA_MESSAGE), (3, "E-mail", FORMULA_MESSAGE)]


def test_formulas_with_saved_values_read_as_their_values() -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Name", "Email"])
    sheet.append(["Anna Berg", "=1"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    data = buffer.getvalue()
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            part = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                # openpyxl writes an empty value as <v /> or <v></v> (with lxml installed).
                saved = b'<f>LOWER("A@B.C")</f><v>a@b.c</v>'
                part = part.replace(b"<f>1</f><v />", saved).replace(b"<f>1</f><v></v>", saved)
                part = part.replace(b'<c r="B2">', b'<c r="B2" t="str">')
            target.writestr(info, part)
    table = reading.read_table(out.getvalue(), "xlsx")
    assert table.rows == [["Anna Berg", "a@b.c"]]
    assert table.unsaved_formulas == frozenset()


def test_a_remembered_name_column_is_not_doubled_by_guessed_name_parts() -> None:
    headers = ["Navn", "Fornavn", "Efternavn", "E-mail"]
    assert guess_mapping(headers) == {
        "first_name": "Fornavn",
        "last_name": "Efternavn",
        "email": "E-mail",
    }
    remembered = guess_mapping(headers, {"full_name": "Navn", "name_order": "last_first"})
    assert remembered == {"full_name": "Navn", "email": "E-mail", "name_order": "last_first"}
