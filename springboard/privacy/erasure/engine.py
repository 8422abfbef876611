"""Erasing one person's rows in one agency, as the declarations say (`privacy/declarations.py`).

The same walk serves a request (every kind of record) and the retention job (the kinds that are
due), and counts the same way with or without writing, so a dry run reports exactly what the
real run does. Rows that also belong to the person's membership of another agency (their login,
their e-mail addresses) are never touched: erasing in one agency leaves the other as it was.
"""

from __future__ import annotations

import graphlib
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.core.files.storage import Storage
from django.db import models, transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from springboard.accounts.models import User
from springboard.privacy.declarations import (
    PersonalData,
    RetentionKind,
    declaration_for,
    declarations,
)
from springboard.tenancy.models import Membership

# What makes an erased membership or account erased, whatever else their declarations overwrite:
# the membership can no longer be used, the login no longer works and its address is freed
# (unique), and every open session of the account ends.
Value = Any | Callable[[Any], Any]
_ENFORCED: dict[type[models.Model], dict[str, Value]] = {
    Membership: {
        "full_name": "",
        "is_active": False,
        "deactivated_at": lambda row: row.deactivated_at or timezone.now(),
        "erased_at": lambda row: row.erased_at or timezone.now(),
    },
    User: {
        "full_name": "",
        "is_active": False,
        "email": lambda row: f"erased-{row.public_id}@erased.invalid",
        "password": lambda row: row.password if not row.has_usable_password() else None,
        "session_generation": lambda row: (
            row.session_generation + (1 if row.has_usable_password() else 0)
        ),
    },
}


@dataclass
class Erasure:
    """What an erasure did, or in a dry run would do: rows and files per model."""

    rows: dict[str, int] = field(default_factory=dict)  # model label ("cvs.cv") → rows
    file_counts: dict[str, int] = field(default_factory=dict)  # model label → files
    files: list[tuple[Storage, str]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.rows.values())

    def by_kind(self) -> dict[str, tuple[int, int]]:
        """Rows and files per retention kind."""
        kinds: dict[str, tuple[int, int]] = {}
        for label, count in self.rows.items():
            kind = kind_of(apps.get_model(label))
            rows, files = kinds.get(kind, (0, 0))
            kinds[kind] = (rows + count, files + self.file_counts.get(label, 0))
        return kinds

    def record(self) -> dict[str, Any]:
        """The record kept of an erasure: counts only, no personal data."""
        return {"rows": dict(sorted(self.rows.items())), "files": len(self.files)}


def _declared() -> list[PersonalData]:
    """Every declaration, and the membership and the account even when undeclared: erasing
    always ends them."""
    found = declarations()
    implied = {
        Membership: PersonalData(
            model=Membership, subject="", export_as="account", retention=RetentionKind.ACCOUNT
        ),
        User: PersonalData(
            model=User,
            subject=lambda m: User.objects.filter(memberships__pk=m.pk),
            export_as="account",
            retention=RetentionKind.ACCOUNT,
        ),
    }
    for model, declaration in implied.items():
        if not isinstance(declaration_for(model), PersonalData):
            found.append(declaration)
    return found


def kind_of(model: type[models.Model]) -> str:
    for declaration in _declared():
        if declaration.model is model:
            return str(declaration.retention)
    return ""


def _cascade_safe(kinds: Collection[RetentionKind]) -> set[RetentionKind]:
    """The kinds that can go now: a kind whose deleted rows would take rows of a kind that is
    not yet due with them (a profile's CV uploads) waits until that kind is due as well."""
    declared = {d.model: d for d in _declared()}
    waits_for: dict[str, set[str]] = {}
    for declaration in declared.values():
        if declaration.on_erase != "delete" or declaration.model in _ENFORCED:
            continue
        for relation in declaration.model._meta.related_objects:
            child = declared.get(relation.related_model)
            if child is None or child.retention == declaration.retention:
                continue
            if relation.on_delete is models.CASCADE:
                waits_for.setdefault(declaration.retention, set()).add(child.retention)
    due = {str(kind) for kind in kinds}
    changed = True
    while changed:
        changed = False
        for kind in list(due):
            if not waits_for.get(kind, set()) <= due:
                due.discard(kind)
                changed = True
    return {RetentionKind(kind) for kind in due}


def _ordered(selected: list[PersonalData]) -> list[PersonalData]:
    """Anonymised rows first, then deletions children-first: a row is deleted (and counted)
    before the row it points to, so a cascade never deletes what is yet to be counted."""
    anonymised = [d for d in selected if d.on_erase == "anonymise"]
    deleted = {d.model: d for d in selected if d.on_erase == "delete"}
    graph: dict[type[models.Model], set[type[models.Model]]] = {}
    for model in deleted:
        # The sorter yields a node after its "predecessors": a parent comes after its children.
        graph.setdefault(model, set())
        for relation in model._meta.get_fields():
            if relation.is_relation and relation.concrete and relation.related_model in deleted:
                target = relation.related_model
                if target is not model:
                    graph.setdefault(target, set()).add(model)
    try:
        order = list(graphlib.TopologicalSorter(graph).static_order())
    except graphlib.CycleError:
        order = list(deleted)
    return [*anonymised, *(deleted[m] for m in order)]


def _file_names(row: models.Model, file_fields: Iterable[str]) -> list[tuple[Storage, str]]:
    names = []
    for name in file_fields:
        value = getattr(row, name)
        if value and value.name:
            names.append((value.storage, value.name))
    return names


def _target(values: dict[str, Value], row: models.Model) -> dict[str, Any]:
    resolved = {name: value(row) if callable(value) else value for name, value in values.items()}
    if isinstance(row, User) and resolved.get("password") is None:
        resolved["password"] = make_password(None)
    return resolved


def _needs_change(row: models.Model, values: dict[str, Value]) -> bool:
    for name, value in values.items():
        current = getattr(row, name)
        if name == "password":
            if value is None or (callable(value) and value(row) is None):
                return True
            continue
        wanted = value(row) if callable(value) else value
        if isinstance(current, FieldFile):
            current = current.name  # a FieldFile compares by its stored name
        if current != wanted:
            return True
    return False


def _anonymise_values(declaration: PersonalData) -> dict[str, Value]:
    values: dict[str, Value] = dict(declaration.anonymise)
    values.update({name: "" for name in declaration.files})
    values.update(_ENFORCED.get(declaration.model, {}))
    return values


def _rows(declaration: PersonalData, membership: Membership, others: list[Membership]) -> Any:
    rows = declaration.rows(membership)
    for other in others:
        rows = rows.exclude(pk__in=declaration.rows(other).values("pk"))
    return rows


def erase_rows(
    membership: Membership,
    *,
    kinds: Collection[RetentionKind] | None = None,
    dry_run: bool,
) -> Erasure:
    """Delete or anonymise the person's rows of the given kinds (all when None), in the
    caller's transaction; files are removed from storage after it commits."""
    if kinds is not None:
        kinds = _cascade_safe(kinds)
    selected = [
        d
        for d in _declared()
        if (kinds is None or d.retention in kinds)
        and (d.on_erase != "keep" or d.model in _ENFORCED)
    ]
    others = list(Membership.objects.filter(user_id=membership.user_id).exclude(pk=membership.pk))
    result = Erasure()
    for declaration in _ordered(selected):
        model = declaration.model
        label = model._meta.label_lower
        rows = _rows(declaration, membership, others)
        files_before = len(result.files)
        if declaration.on_erase == "delete" and model not in _ENFORCED:
            found = list(rows.only("pk", *declaration.files))
            for row in found:
                result.files.extend(_file_names(row, declaration.files))
            if found and not dry_run:
                model._default_manager.filter(pk__in=[row.pk for row in found]).delete()
        else:
            # Anonymised; the membership and the account always are, never deleted: the
            # programmes and outcomes that employer reports count hang from them.
            values = _anonymise_values(declaration)
            found = [row for row in rows if _needs_change(row, values)]
            for row in found:
                result.files.extend(_file_names(row, declaration.files))
                if not dry_run:
                    model._default_manager.filter(pk=row.pk).update(**_target(values, row))
        if found:
            result.rows[label] = len(found)
            removed = len(result.files) - files_before
            if removed:
                result.file_counts[label] = removed
    if not dry_run and result.files:
        files = list(result.files)
        transaction.on_commit(lambda: _remove_files(files))
    return result


def _remove_files(files: list[tuple[Storage, str]]) -> None:
    for storage, name in files:
        storage.delete(name)
