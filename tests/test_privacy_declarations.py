"""Every model that can reach a person declares what export, erasure and retention do with it.

A model reaches a person when a chain of foreign keys or one-to-one fields leads to
`tenancy.Membership` or `accounts.User` (or it is one of them); M2M through models count too.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models

from springboard.accounts.models import User
from springboard.privacy import declarations as registry
from springboard.privacy.declarations import OutOfScope, PersonalData, declaration_for
from springboard.tenancy.models import Membership
from tests.factories import make_world

PEOPLE: frozenset[type[models.Model]] = frozenset({Membership, User})


def _forward_links(model: type[models.Model]) -> list[type[models.Model]]:
    return [
        field.related_model
        for field in model._meta.concrete_fields
        if (field.many_to_one or field.one_to_one) and field.related_model is not None
    ]


def reaches_person(
    model: type[models.Model], seen: frozenset[type[models.Model]] = frozenset()
) -> bool:
    if model in PEOPLE:
        return True
    if model in seen:
        return False
    return any(reaches_person(target, seen | {model}) for target in _forward_links(model))


def all_models() -> list[type[models.Model]]:
    return list(apps.get_models(include_auto_created=True))


def undeclared() -> list[str]:
    return sorted(
        model._meta.label
        for model in all_models()
        if reaches_person(model) and declaration_for(model) is None
    )


def _resolve(model: type[models.Model], path: str) -> type[models.Model]:
    """The model at the end of a `a__b__c` path, following forward and reverse relations."""
    current = model
    for name in path.split("__"):
        field = current._meta.get_field(name)
        if not field.is_relation or field.related_model is None:
            raise AssertionError(f"{model._meta.label}: {path}: {name} is not a relation")
        current = field.related_model
    return current


def _personal() -> list[PersonalData]:
    return registry.declarations()


def test_the_walk_finds_models_near_and_far_from_a_person() -> None:
    from springboard.network.models import FollowUpReminder
    from springboard.taxonomy.models import Skill

    assert reaches_person(Membership)
    assert reaches_person(FollowUpReminder)  # → Interaction → Membership
    assert reaches_person(Membership._meta.get_field("user").model)
    assert not reaches_person(Skill)
    through = [m for m in all_models() if m._meta.auto_created]
    assert any(reaches_person(m) for m in through), "M2M through models are walked"


def test_every_model_that_reaches_a_person_is_declared() -> None:
    missing = undeclared()
    assert not missing, (
        "declare these models in their app's personal_data.py, with personal_data(...) or "
        f"out_of_scope(..., reason=...): {', '.join(missing)}"
    )


def test_a_forgotten_model_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    from springboard.network.models import Contact

    before = set(undeclared())
    monkeypatch.delitem(registry._registry, Contact)  # type: ignore[misc]
    assert set(undeclared()) - before == {"network.Contact"}


def test_declarations_are_about_real_models_and_out_of_scope_ones_say_why() -> None:
    known = set(all_models())
    for model in registry.declared_models():
        assert model in known, model
        entry = declaration_for(model)
        if isinstance(entry, OutOfScope):
            assert len(entry.reason.split()) >= 5, f"{model._meta.label}: say why, in a sentence"


@pytest.mark.parametrize("declaration", _personal(), ids=lambda d: d.model._meta.label)
def test_declaration_fields_are_real(declaration: PersonalData) -> None:
    meta = declaration.model._meta
    concrete = {f.name: f for f in meta.concrete_fields}
    if isinstance(declaration.subject, str):
        if declaration.subject == "":
            assert declaration.model is Membership
        else:
            assert _resolve(declaration.model, declaration.subject) is Membership, (
                f"{meta.label}: subject {declaration.subject!r} must end at a membership"
            )
    for name in declaration.files:
        assert isinstance(concrete.get(name), models.FileField), f"{meta.label}.{name}: no file"
    for name in (*declaration.exclude, *declaration.anonymise):
        assert name in concrete, f"{meta.label}.{name} is not a field"
    if declaration.on_erase == "keep":
        assert declaration.reason.strip(), meta.label


def test_resolve_rejects_paths_that_are_not_relations() -> None:
    from springboard.network.models import Contact

    with pytest.raises(AssertionError):
        _resolve(Contact, "full_name")
    with pytest.raises(FieldDoesNotExist):
        _resolve(Contact, "owner__nowhere")


@pytest.mark.django_db
def test_rows_of_every_declaration_are_a_query_of_that_model_in_one_agency() -> None:
    world = make_world()
    candidate = world.a.candidate
    for declaration in _personal():
        rows: Any = declaration.rows(candidate)
        assert rows.model is declaration.model, declaration.model._meta.label
        # Evaluates: a callable subject or a path that does not exist fails here.
        list(rows[:1])
    user_rows = registry.declaration_for(User)
    assert isinstance(user_rows, PersonalData)
    assert list(user_rows.rows(candidate)) == [candidate.user]
