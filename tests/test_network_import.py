"""Contact files: LinkedIn's Connections.csv and vCard 3.0/4.0 as they really come, broken files,
idempotent re-import, the preview page and the API operation."""

from __future__ import annotations

import datetime
import time
import tracemalloc
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from springboard.network.importing import (
    MAX_BYTES,
    MAX_CONTACTS,
    ContactFileError,
    parse_date,
    read_contacts_file,
)
from springboard.network.models import Contact, ContactImport
from springboard.network.services import contact_merge, contacts_import_now
from tests.factories import World

FIXTURES = Path(__file__).parent / "fixtures" / "network"
LINKEDIN = (FIXTURES / "Connections.csv").read_bytes()
VCARD3 = (FIXTURES / "contacts-v3.vcf").read_bytes()
VCARD4 = (FIXTURES / "contacts-v4.vcf").read_bytes()


# --- LinkedIn ---------------------------------------------------------------------------------


def test_linkedin_export_with_notes_quotes_commas_and_missing_emails() -> None:
    parsed = read_contacts_file(LINKEDIN)
    names = [c.full_name for c in parsed.contacts]
    assert names == ["Mette Kjær", "Smith, Jr. John", "Ingrid Berg", "Sanne de Vries", "Jonas Vik"]
    mette, smith, ingrid, sanne, jonas = parsed.contacts
    assert mette.emails == ["mette@example.dk"]
    assert mette.connected_on == datetime.date(2024, 3, 12)
    assert mette.line == 5
    assert smith.company == "Acme, Inc."
    assert smith.job_title == "Director, Sales"
    assert smith.emails == []
    assert ingrid.profile_url == "https://www.linkedin.com/in/ingridberg"
    # A quoted field over two physical lines: the row starts on line 9, the next on 11.
    assert sanne.line == 9
    assert sanne.job_title == "Purchasing Lead Benelux"
    assert jonas.line == 11
    assert jonas.connected_on is None
    # The row without a name is reported with its physical line; the rest is imported.
    assert [(s.line, s.reason) for s in parsed.skipped] == [(8, "This row has no name.")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12 Mar 2024", datetime.date(2024, 3, 12)),
        ("1 Dec 2019", datetime.date(2019, 12, 1)),
        ("05-Sep-21", datetime.date(2021, 9, 5)),
        ("2024-03-12", datetime.date(2024, 3, 12)),
        ("31 Feb 2024", None),
        ("12 Foo 2024", None),
        ("", None),
    ],
)
def test_linkedin_dates(text: str, expected: datetime.date | None) -> None:
    assert parse_date(text) == expected


def test_linkedin_utf8_bom_windows_1252_and_utf16() -> None:
    header = "First Name,Last Name,Company\r\n"
    row = "Søren,Ærø,Københavns Kommune\r\n"
    for content in (
        ("\ufeff" + header + row).encode("utf-8"),
        (header + row).encode("cp1252"),
        (header + row).encode("utf-16"),
    ):
        parsed = read_contacts_file(content)
        assert [c.full_name for c in parsed.contacts] == ["Søren Ærø"]
        assert parsed.contacts[0].company == "Københavns Kommune"


def test_broken_quotes_are_a_line_numbered_skip_and_later_rows_still_count() -> None:
    content = b'First Name,Last Name\nAda,Lovelace\n"Broken,Row\n' + b"x" * 10 + b"\n"
    parsed = read_contacts_file(content)
    assert [c.full_name for c in parsed.contacts] == ["Ada Lovelace"]
    # The unterminated quote swallows the rest of the file as one field: a row of one column.
    assert parsed.skipped
    assert parsed.skipped[0].line == 3


def test_a_row_too_short_is_skipped_with_its_line() -> None:
    parsed = read_contacts_file(b"First Name,Last Name,Company\nAda,Lovelace,X\nonly\n")
    assert [(s.line, s.reason) for s in parsed.skipped] == [(3, "This row has too few columns.")]


# --- vCard ------------------------------------------------------------------------------------


def test_vcard_3_folding_quoted_printable_several_emails_and_photos_ignored() -> None:
    parsed = read_contacts_file(VCARD3)
    by_name = {c.full_name: c for c in parsed.contacts}
    assert set(by_name) == {"Erik Sørensen", "Bjørn Åberg", "Lars Holm"}
    erik = by_name["Erik Sørensen"]
    assert erik.emails == ["erik@nordlys.example", "erik.s@privat.example"]
    assert erik.phones == ["+45 20 30 40 50", "+45 70 10 20 30"]
    assert erik.company == "Nordlys Logistik"
    assert erik.notes == "Met at the logistics fair in Herning, 2019. Knows everyone at Havbris."
    assert erik.line == 1
    assert by_name["Bjørn Åberg"].line == 16
    assert by_name["Lars Holm"].emails == ["lars@au.example"]  # "item1." group prefix
    assert [(s.line, s.reason) for s in parsed.skipped] == [(22, "This card has no name.")]
    assert by_name["Lars Holm"].line == 27


def test_vcard_4_uri_phones_and_utf8_names() -> None:
    parsed = read_contacts_file(VCARD4)
    anouk, zoe = parsed.contacts
    assert anouk.phones == ["+31-6-1234-5678"]
    assert anouk.company == "Logistics Network NL"
    assert zoe.full_name == "Zoë Ðuković-Ørsted"
    assert zoe.profile_url == "https://www.linkedin.com/in/zoe"
    assert zoe.line == 12


def test_vcard_2_1_soft_line_breaks_and_a_card_without_end() -> None:
    content = (
        b"BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=UTF-8;QUOTED-PRINTABLE:Hansen;Kirsten=\r\n"
        b"=C3=A6;;;\r\nTEL;CELL:+4712345678\r\nEND:VCARD\r\n"
        b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Never Ends\r\n"
    )
    parsed = read_contacts_file(content)
    assert [c.full_name for c in parsed.contacts] == ["Kirstenæ Hansen"]
    assert [(s.line, s.reason) for s in parsed.skipped] == [(7, "This card has no END:VCARD line.")]


# --- files that are not contact files -----------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [
        bytes(range(256)) * 64,  # binary
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 1000,
        b"Name;Phone\nnot;really\n",  # CSV, but not a contact export
        b"",
        b"   \n\n",
    ],
)
def test_not_a_contact_file_is_refused_whole(content: bytes) -> None:
    with pytest.raises(ContactFileError):
        read_contacts_file(content)


def test_fifty_megabytes_is_refused_before_reading() -> None:
    content = b"First Name,Last Name\n" + b"A,B\n" * (50 * 1024 * 1024 // 4)
    tracemalloc.start()
    with pytest.raises(ContactFileError, match="larger than 5 MB"):
        read_contacts_file(content)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 1024 * 1024  # nothing was decoded or copied


def test_a_million_lines_is_refused_with_the_line_in_bounded_time() -> None:
    content = b"First Name,Last Name\n" + b"A,B\n" * 1_000_000
    assert len(content) <= MAX_BYTES
    started = time.monotonic()
    with pytest.raises(ContactFileError) as refused:
        read_contacts_file(content)
    assert time.monotonic() - started < 10
    assert f"Line {MAX_CONTACTS + 2}:" in refused.value.message


def test_a_vcard_of_a_million_lines_is_read_in_bounded_time() -> None:
    card = b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Big Card\r\n" + b"X:\n" * 1_000_000
    content = card + b"END:VCARD\r\n"
    assert len(content) <= MAX_BYTES
    started = time.monotonic()
    parsed = read_contacts_file(content)
    assert time.monotonic() - started < 10
    assert [c.full_name for c in parsed.contacts] == ["Big Card"]


@pytest.mark.parametrize(
    "content",
    [
        b"BEGIN:VCARD\nFN:a\n" + b" b\n" * 1_500_000 + b"END:VCARD\n",  # folded
        b"BEGIN:VCARD\nN;QUOTED-PRINTABLE:a=\n" + b"b=\n" * 1_500_000 + b"\nEND:VCARD\n",
    ],
    ids=["folded", "quoted-printable-soft-breaks"],
)
def test_a_value_over_a_million_lines_is_read_in_linear_time(content: bytes) -> None:
    started = time.monotonic()
    parsed = read_contacts_file(content)
    assert time.monotonic() - started < 10
    assert len(parsed.contacts) == 1
    assert len(parsed.contacts[0].full_name) == 200  # clipped


def test_a_million_blank_lines_are_read_quickly_and_yield_nothing() -> None:
    content = b"First Name,Last Name\n" + b"\n" * 1_000_000
    started = time.monotonic()
    parsed = read_contacts_file(content)
    assert time.monotonic() - started < 10
    assert parsed.contacts == []
    assert parsed.skipped == []


# --- writing: idempotent, merges remembered --------------------------------------------------


def test_reimport_changes_nothing_and_never_overwrites_edits(world: World) -> None:
    owner = world.a.candidate
    first = contacts_import_now(owner=owner, content=LINKEDIN)
    assert (first.created, first.updated) == (5, 0)
    mette = Contact.objects.get(owner=owner, full_name="Mette Kjær")
    mette.company = "Edited by hand"
    mette.save()
    again = contacts_import_now(owner=owner, content=LINKEDIN)
    assert (again.created, again.updated) == (0, 0)
    assert Contact.objects.get(pk=mette.pk).company == "Edited by hand"
    assert Contact.objects.filter(owner=owner).count() == 5
    # A vCard of the same person (same address) adds a phone to the LinkedIn contact.
    card = (
        b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Mette Kjaer\r\nEMAIL:mette@example.dk\r\n"
        b"TEL:+45 11 22 33 44\r\nEND:VCARD\r\n"
    )
    added = contacts_import_now(owner=owner, content=card)
    assert (added.created, added.updated) == (0, 1)
    assert Contact.objects.get(pk=mette.pk).phones == ["+45 11 22 33 44"]


def test_a_merged_duplicate_does_not_come_back(world: World) -> None:
    owner = world.a.candidate
    contacts_import_now(owner=owner, content=LINKEDIN)
    contacts_import_now(owner=owner, content=VCARD3)
    lars = Contact.objects.get(owner=owner, full_name="Lars Holm")
    erik = Contact.objects.get(owner=owner, full_name="Erik Sørensen")
    contact_merge(keep=erik, duplicate=lars, actor=owner)
    again = contacts_import_now(owner=owner, content=VCARD3)
    assert (again.created, again.updated) == (0, 0)
    assert not Contact.objects.filter(owner=owner, full_name="Lars Holm").exists()
    assert "lars@au.example" in Contact.objects.get(pk=erik.pk).emails


def test_networks_are_per_agency_membership(world: World) -> None:
    contacts_import_now(owner=world.a.candidate, content=LINKEDIN)
    result = contacts_import_now(owner=world.b.candidate, content=LINKEDIN)
    assert result.created == 5  # the same file in another network: new contacts there
    assert Contact.objects.filter(owner=world.a.candidate).count() == 5


# --- the page: preview first ------------------------------------------------------------------


def _upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def test_preview_writes_no_contact_then_import_applies_once(world: World, client: Client) -> None:
    owner = world.a.candidate
    client.force_login(owner.user)
    slug = world.a.agency.slug
    response = client.post(
        reverse("network:import", kwargs={"agency_slug": slug}),
        {"file": _upload("Connections.csv", LINKEDIN)},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Mette Kjær" in page
    assert "This row has no name." in page
    assert not Contact.objects.filter(owner=owner).exists()
    upload = ContactImport.objects.get(owner=owner)
    confirm = reverse(
        "network:import_confirm", kwargs={"agency_slug": slug, "public_id": upload.public_id}
    )
    assert client.post(confirm).status_code == 302
    assert Contact.objects.filter(owner=owner).count() == 5
    assert client.post(confirm).status_code == 404  # applied: the preview is gone
    upload.refresh_from_db()
    assert not upload.content  # its file left the storage with the import
    assert upload.created == 5


def test_page_refuses_binary_with_a_message(world: World, client: Client) -> None:
    client.force_login(world.a.candidate.user)
    response = client.post(
        reverse("network:import", kwargs={"agency_slug": world.a.agency.slug}),
        {"file": _upload("photo.vcf", b"\x00\x01\x02" * 1000)},
    )
    assert response.status_code == 200
    assert "This is not a contact file" in response.content.decode()
    assert not ContactImport.objects.exists()


# --- the API ----------------------------------------------------------------------------------


def _api_import(client: Client, world: World, name: str, content: bytes) -> tuple[int, dict]:
    url = reverse("api:network_contact_import", kwargs={"agency_slug": world.a.agency.slug})
    response = client.post(url, {"file": _upload(name, content)})
    return response.status_code, response.json()


def test_api_import_answers_created_updated_skipped(world: World, client: Client) -> None:
    client.force_login(world.a.candidate.user)
    status, body = _api_import(client, world, "Connections.csv", LINKEDIN)
    assert status == 200
    assert body == {
        "created": 5,
        "updated": 0,
        "skipped": [{"line": 8, "reason": "This row has no name."}],
    }
    status, body = _api_import(client, world, "Connections.csv", LINKEDIN)
    assert (body["created"], body["updated"]) == (0, 0)
    status, body = _api_import(client, world, "contacts.vcf", VCARD3 + VCARD4)
    assert status == 200
    assert body["created"] == 5


@pytest.mark.parametrize(
    "content", [b"\x00\xff" * 5000, b"just some text\n", b"x" * (MAX_BYTES + 1)]
)
def test_api_refuses_non_contact_files_with_400(
    world: World, client: Client, content: bytes
) -> None:
    client.force_login(world.a.candidate.user)
    status, body = _api_import(client, world, "file.csv", content)
    assert status == 400
    assert body["field"] == "file"
    assert not Contact.objects.exists()


def test_api_import_is_the_candidates_only(world: World, client: Client) -> None:
    client.force_login(world.a.coach.user)
    status, _body = _api_import(client, world, "Connections.csv", LINKEDIN)
    assert status == 403
    assert not Contact.objects.exists()
