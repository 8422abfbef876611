"""Files kept through Django's storage API (a local folder or an S3-compatible bucket, chosen by
settings.STORAGES["default"]): saved under `private/` with a random name, read back, and removed
once the transaction that dropped them commits.

Nothing under `private/` has a public address: there is no MEDIA_URL route, and every download
is a view that checks access and streams the file (`open_stored`)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterable
from functools import partial
from typing import IO, Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models.fields.files import FieldFile
from django.db.models.signals import post_delete

PRIVATE = "private"


def save_private(folder: str, content: bytes, *, extension: str = "") -> str:
    """Save the bytes as `private/<folder>/<random>.<extension>`; the stored name, for a
    FileField. The name says nothing about the person or the original file."""
    suffix = f".{extension}" if re.fullmatch(r"[a-z0-9]{1,5}", extension) else ""
    return default_storage.save(
        f"{PRIVATE}/{folder}/{uuid.uuid4().hex}{suffix}", ContentFile(content)
    )


def open_stored(file: FieldFile) -> IO[bytes]:
    """The stored file opened for reading (the caller closes it; FileResponse does)."""
    return file.storage.open(str(file.name), "rb")


def read_stored(file: FieldFile) -> bytes:
    """The whole file: for the small ones (an import of at most a few MB, a photo, a CV)."""
    if not file:
        return b""
    with open_stored(file) as handle:
        return handle.read()


def delete_on_commit(*files: FieldFile | None) -> None:
    """Remove the files from storage once the current transaction commits (at once outside
    one): a rolled-back deletion keeps its row and so must keep its file."""
    for file in files:
        if file and file.name:
            transaction.on_commit(partial(file.storage.delete, str(file.name)))


def delete_files_with_rows(model: type[models.Model], *fields: str) -> None:
    """Connect post_delete so the model's files go however its rows are deleted (by their own
    service, a cascade from a parent, an erasure)."""

    def remove(sender: type[models.Model], instance: models.Model, **kwargs: object) -> None:
        delete_on_commit(*(getattr(instance, name) for name in fields))

    post_delete.connect(
        remove, sender=model, weak=False, dispatch_uid=f"stored-files-{model._meta.label_lower}"
    )


class BytesToStorage:
    """A migration's data move between database bytes and stored files, both ways.

    `fields` maps each binary field to the FileField that replaces it (both exist while the
    move runs); `extension(row, binary_field)` names the file type."""

    def __init__(
        self,
        model: str,
        fields: dict[str, str],
        folder: str,
        extension: Callable[[Any, str], str],
    ) -> None:
        self.model = model
        self.fields = fields
        self.folder = folder
        self.extension = extension

    def _rows(self, apps: Any) -> Iterable[Any]:
        return apps.get_model(self.model)._default_manager.order_by("pk").iterator(chunk_size=20)

    def forward(self, apps: Any, schema_editor: Any) -> None:
        for row in self._rows(apps):
            changed = []
            for binary, file in self.fields.items():
                data = bytes(getattr(row, binary) or b"")
                if data:
                    name = save_private(self.folder, data, extension=self.extension(row, binary))
                    setattr(row, file, name)
                    changed.append(file)
            if changed:
                row.save(update_fields=changed)

    def backward(self, apps: Any, schema_editor: Any) -> None:
        for row in self._rows(apps):
            changed = []
            for binary, file in self.fields.items():
                stored = getattr(row, file)
                if stored and stored.name:
                    setattr(row, binary, read_stored(stored))
                    changed.append(binary)
                    delete_on_commit(stored)
            if changed:
                row.save(update_fields=changed)
