"""Every API schema class has its own name: the OpenAPI document keys its components by class name,
so two apps' `ImportOut` would silently share one definition and answers would be checked (and
documented) against the other app's shape."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from ninja import Schema

import springboard.api.urls  # noqa: F401 - loads every app's router and its schemas


def _subclasses(cls: type) -> Iterator[type]:
    sub: type
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_schema_names_are_unique() -> None:
    modules_by_name: dict[str, set[str]] = defaultdict(set)
    for schema in _subclasses(Schema):
        if schema.__module__.startswith("springboard."):
            modules_by_name[schema.__name__].add(schema.__module__)
    shared = {name: sorted(mods) for name, mods in modules_by_name.items() if len(mods) > 1}
    assert not shared
