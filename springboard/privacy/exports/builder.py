"""Writing one person's export ZIP: what one agency holds about one membership.

Only rows the declarations give for this membership (`PersonalData.rows`) are written, one JSON
document per `export_as` kind, records grouped by model. Related objects appear as readable
labels, never as internal ids; a related person appears by the name this agency holds for them
and their role (the staff who worked on the person's file: already shown to them in the app),
never by their e-mail or anything another agency holds. Rows are streamed with `.iterator()` and
written into the ZIP as they come, so thousands of records need little memory.
"""

from __future__ import annotations

import datetime
import io
import json
import posixpath
import re
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any
from uuid import UUID

from django.core.files.storage import default_storage
from django.db import models
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.encoding import force_str

from springboard.accounts.models import User
from springboard.privacy.declarations import PersonalData, declarations
from springboard.privacy.exports.readme import readme_text
from springboard.privacy.models import AuditEvent, ExportJob
from springboard.privacy.selectors import events_about
from springboard.tenancy.models import Membership
from springboard.tenancy.roles import Role

AUDIT_KIND = "audit"
CHUNK = 1 << 16
# Rows of a model the export leaves out although the person's: a coach's notes not shared with
# the candidate are the coaches' working notes (the product promises them privacy); erasure still
# removes them with the rest, since it goes by the declaration.
EXPORT_ONLY: dict[str, Q] = {"coaching.note": Q(shared_with_candidate=True)}
# Models whose files are not put in the ZIP: earlier exports are copies of this very data.
NO_FILES: frozenset[type[models.Model]] = frozenset({ExportJob})
LABEL_ATTRS = ("title", "name", "full_name", "original_name")


@dataclass
class Summary:
    records: int = 0
    files: int = 0
    kinds: list[str] = field(default_factory=list)


def _safe_name(name: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", posixpath.basename(name)).strip("._")
    return cleaned[:120] or "file"


class _Labels:
    """Readable values for related objects, in the person's language."""

    def __init__(self, membership: Membership, lang: str) -> None:
        self.me = membership
        self.lang = lang
        self._users: dict[int, tuple[str, str]] = {}
        self.own_models = {d.model for d in declarations()}

    def name_and_role(self, membership: Membership) -> tuple[str, str]:
        role = force_str(Role(membership.role).label) if membership.role in Role.values else ""
        if membership.pk == self.me.pk:
            return membership.display_name, role
        # Another person: the name this agency holds, never their address.
        return membership.full_name, role

    def person(self, membership: Membership) -> str:
        if membership.pk == self.me.pk:
            return membership.display_name
        name, role = self.name_and_role(membership)
        return f"{name} ({role})" if name else role

    def user_name_and_role(self, user_id: int) -> tuple[str, str]:
        """A user by what this agency holds about them (not a member here: nothing but that)."""
        if user_id not in self._users:
            member = (
                Membership.objects.select_related("user")
                .filter(agency_id=self.me.agency_id, user_id=user_id)
                .first()
            )
            self._users[user_id] = (
                self.name_and_role(member)
                if member is not None
                else (translation.gettext("someone outside this agency"), "")
            )
        return self._users[user_id]

    def user(self, user_id: int) -> str:
        if user_id == self.me.user_id:
            return self.me.display_name
        name, role = self.user_name_and_role(user_id)
        return f"{name} ({role})" if name and role else name or role

    def label(self, obj: models.Model) -> str:
        if isinstance(obj, Membership):
            return self.person(obj)
        if isinstance(obj, User):
            return self.user(obj.pk)
        name_in = getattr(obj, "name_in", None)
        if callable(name_in):
            return str(name_in(self.lang))
        text = ""
        for attr in LABEL_ATTRS:
            value = getattr(obj, attr, None)
            if isinstance(value, dict):  # a text per language
                value = value.get(self.lang) or value.get("en") or next(iter(value.values()), "")
            if value:
                text = str(value)
                break
        number = getattr(obj, "number", None)
        if number is not None and not text:
            text = f"v{number}"
        # The person's own records are named by their public id too, which finds them in the
        # export; shared objects (the agency, a workshop) by their label alone.
        public_id = getattr(obj, "public_id", None)
        if public_id is not None and type(obj) in self.own_models:
            return f"{text} ({public_id})" if text else str(public_id)
        return text or force_str(obj._meta.verbose_name)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return (
            timezone.localtime(value).isoformat() if timezone.is_aware(value) else value.isoformat()
        )
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, Decimal | UUID):
        return str(value)
    return value


class _ModelWriter:
    """One declaration's rows as JSON objects, and the files they carry.

    The files go into the ZIP first (one at a time), so each record can name its file's path.
    """

    def __init__(self, declaration: PersonalData, membership: Membership, labels: _Labels):
        self.model = declaration.model
        meta = self.model._meta
        self.label = meta.label_lower
        self.kind = declaration.export_as
        self.labels = labels
        excluded = set(declaration.exclude)
        self.fields = [
            f for f in meta.concrete_fields if f.name not in excluded and not f.primary_key
        ]
        self.file_fields = [
            f for f in self.fields if isinstance(f, models.FileField) and self.model not in NO_FILES
        ]
        rows = declaration.rows(membership)
        if self.label in EXPORT_ONLY:
            rows = rows.filter(EXPORT_ONLY[self.label])
        self.rows = rows.order_by("pk")
        # (field name, pk) → path in the ZIP
        self.paths: dict[tuple[str, Any], str] = {}

    def count(self) -> int:
        return self.rows.count()

    def _folder(self) -> str:
        return f"files/{self.kind}/{self.model._meta.model_name}"

    def _key(self, pk: Any, public_id: Any) -> str:
        return str(public_id if public_id is not None else pk)

    def write_files(self, archive: zipfile.ZipFile) -> int:
        written = 0
        has_public_id = any(f.name == "public_id" for f in self.model._meta.concrete_fields)
        public = "public_id" if has_public_id else "pk"
        for f in self.file_fields:
            for pk, public_id, name in (
                self.rows.exclude(**{f.name: ""})
                .values_list("pk", public, f.name)
                .iterator(chunk_size=500)
            ):
                if not name or not default_storage.exists(name):
                    continue
                path = f"{self._folder()}/{self._key(pk, public_id)}-{_safe_name(name)}"
                with (
                    default_storage.open(name, "rb") as source,
                    archive.open(path, "w", force_zip64=True) as target,
                ):
                    for block in iter(lambda: source.read(CHUNK), b""):
                        target.write(block)
                self.paths[(f.name, pk)] = path
                written += 1
        return written

    def records(self) -> Iterator[dict[str, Any]]:
        rows = self.rows
        related = [f.name for f in self.fields if f.many_to_one or f.one_to_one]
        if related:
            rows = rows.select_related(*related)
        for row in rows.iterator(chunk_size=500):
            yield self._record(row)

    def _record(self, row: models.Model) -> dict[str, Any]:
        record: dict[str, Any] = {}
        for f in self.fields:
            if f.is_relation:
                target = getattr(row, f.name)
                record[f.name] = self.labels.label(target) if target is not None else None
            elif isinstance(f, models.FileField):
                record[f.name] = self.paths.get((f.name, row.pk))
            elif f.choices:
                value = getattr(row, f.name)
                record[f.name] = force_str(dict(f.flatchoices).get(value, value))
            else:
                record[f.name] = _plain(getattr(row, f.name))
        return record


class _Progress:
    """Calls `report` with the whole percentage done, only when it changes."""

    def __init__(self, total: int, report: Callable[[int], None] | None) -> None:
        self.total = max(total, 1)
        self.done = 0
        self.percent = 0
        self.report = report

    def step(self, count: int = 1) -> None:
        self.done += count
        # 99 at most until the ZIP is stored: "100" means it can be downloaded.
        percent = min(99, self.done * 100 // self.total)
        if percent > self.percent:
            self.percent = percent
            if self.report is not None:
                self.report(percent)


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


class _Writer:
    def __init__(self, membership: Membership) -> None:
        self.membership = membership
        self.lang = membership.language or "en"
        self.labels = _Labels(membership, self.lang)
        self.now = timezone.now()
        self.by_kind: dict[str, list[_ModelWriter]] = defaultdict(list)
        self.own_events: PersonalData | None = None
        for declaration in declarations():
            if declaration.model is AuditEvent:
                self.own_events = declaration
                continue
            writer = _ModelWriter(declaration, membership, self.labels)
            self.by_kind[declaration.export_as].append(writer)
        self.summary = Summary(kinds=[*sorted(self.by_kind), AUDIT_KIND])

    def _events_by_me(self) -> models.QuerySet[AuditEvent]:
        if self.own_events is None:
            return AuditEvent.objects.none()
        return self.own_events.rows(self.membership)

    def total(self) -> int:
        writers = sum(w.count() for ws in self.by_kind.values() for w in ws)
        return writers + events_about(self.membership).count() + self._events_by_me().count()

    def _header(self, kind: str) -> dict[str, Any]:
        return {
            "kind": kind,
            "agency": self.membership.agency.name,
            "exported_at": _plain(self.now),
        }

    def _open_json(self, archive: zipfile.ZipFile, kind: str) -> io.TextIOWrapper:
        return io.TextIOWrapper(
            archive.open(f"{kind}.json", "w", force_zip64=True), encoding="utf-8"
        )

    def write_kind(self, archive: zipfile.ZipFile, kind: str, ticker: _Progress) -> None:
        writers = self.by_kind[kind]
        for writer in writers:
            self.summary.files += writer.write_files(archive)
        with self._open_json(archive, kind) as out:
            out.write(_dump(self._header(kind))[:-1] + ', "models": [')
            for index, writer in enumerate(writers):
                meta = writer.model._meta
                out.write(",\n" if index else "\n")
                out.write(
                    f'{{"model": {_dump(meta.label_lower)}, '
                    f'"name": {_dump(force_str(meta.verbose_name_plural))}, "records": ['
                )
                for count, record in enumerate(writer.records()):
                    out.write(",\n  " if count else "\n  ")
                    out.write(_dump(record))
                    self.summary.records += 1
                    ticker.step()
                out.write("]}")
            out.write("\n]}\n")

    def _event(self, event: AuditEvent) -> dict[str, Any]:
        if event.actor_id is None:
            who, role = translation.gettext("Springboard (automatic)"), ""
        else:
            who, role = self.labels.user_name_and_role(event.actor_id)
        return {
            "time": _plain(event.created_at),
            "who": who,
            "role": role,
            "what": force_str(event.action_label),
            "record": force_str(event.target_label),
        }

    def write_audit(self, archive: zipfile.ZipFile, ticker: _Progress) -> None:
        sections = (
            ("about_you", events_about(self.membership)),
            ("by_you", self._events_by_me()),
        )
        with self._open_json(archive, AUDIT_KIND) as out:
            out.write(_dump(self._header(AUDIT_KIND))[:-1])
            for name, events in sections:
                out.write(f", {_dump(name)}: [")
                for count, event in enumerate(events.order_by("created_at", "pk").iterator()):
                    out.write(",\n  " if count else "\n  ")
                    out.write(_dump(self._event(event)))
                    self.summary.records += 1
                    ticker.step()
                out.write("]")
            out.write("}\n")

    def write(self, target: IO[bytes], report: Callable[[int], None] | None) -> Summary:
        ticker = _Progress(self.total(), report)
        with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(
                "README.txt",
                readme_text(
                    membership=self.membership, kinds=self.summary.kinds, exported_at=self.now
                ),
            )
            for kind in sorted(self.by_kind):
                self.write_kind(archive, kind, ticker)
            self.write_audit(archive, ticker)
        return self.summary


def write_export(
    membership: Membership,
    target: IO[bytes],
    *,
    report: Callable[[int], None] | None = None,
) -> Summary:
    """Write the person's export ZIP into `target` (a binary file open for writing), in their
    language; `report` is told the percentage done as it grows."""
    with translation.override(membership.language or "en"):
        return _Writer(membership).write(target, report)
