"""Printable day-0 invitations (PDF via Typst) with a QR code of each personal link."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from pathlib import Path

import qrcode
import qrcode.image.svg
import typst
from django.utils import formats, translation
from django.utils.translation import gettext as _

from springboard.accounts.emails import invitation_url
from springboard.accounts.models import Invitation

TEMPLATE = Path(__file__).with_name("typst") / "invitation_sheet.typ"


@dataclass(frozen=True)
class SheetEntry:
    invitation: Invitation
    employer_name: str


def _qr_svg(text: str) -> str:
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode()


def _page(entry: SheetEntry) -> dict[str, str]:
    invitation = entry.invitation
    link = invitation_url(invitation)
    with translation.override(invitation.language):
        names = {"employer": entry.employer_name, "agency": invitation.agency.name}
        return {
            "lang": "no" if invitation.language == "nb" else invitation.language,
            "agency": invitation.agency.name,
            "heading": _("Welcome to your outplacement programme"),
            "greeting": _("Dear %(name)s,") % {"name": invitation.full_name or invitation.email},
            "intro": _(
                "%(employer)s has arranged an outplacement programme for you with %(agency)s. "
                "A coach will help you from today until you have found a new job you want."
            )
            % names,
            "instruction": _(
                "To start, scan the QR code with your phone or type the link, "
                "and choose a password:"
            ),
            "link": link,
            "qr": _qr_svg(link),
            "validity": _("The link is personal and works once. It is valid until %(date)s.")
            % {"date": formats.date_format(invitation.expires_at, "DATE_FORMAT")},
            "privacy": _(
                "What you share with your coach stays private. %(employer)s only sees anonymous "
                "totals."
            )
            % names,
        }


def invitation_sheet_pdf(entries: list[SheetEntry], *, title: str) -> bytes:
    data = {"title": title, "people": [_page(entry) for entry in entries]}
    return typst.compile(
        TEMPLATE.read_bytes(),
        format="pdf",
        sys_inputs={"data": json.dumps(data)},
    )
