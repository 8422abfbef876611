"""Every (URL name, HTTP method) the site answers, read from the views themselves.

The permission matrix must name each pair, so that a POST-only endpoint cannot hide behind a GET
row of the same name. The methods come from what each view declares:
- django-ninja operations: the operation's own `methods`, under its own URL name (the operations
  of one path share one view, so the view alone would over-count);
- class-based views: the handlers the class defines;
- function views: `require_http_methods` (and `require_GET`, `require_POST`, `require_safe`)
  anywhere in the decorator chain.
A function view that declares nothing answers every method; it is reported as undeclared so the
test can insist on a declaration instead of guessing.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterator
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver
from django.views import View
from django.views.generic.edit import ProcessFormView

# HEAD and OPTIONS are answered by Django for any view that answers GET (or by itself): they run no
# handler code of ours, so the matrix covers them through GET.
_IMPLIED = {"HEAD", "OPTIONS"}
UNDECLARED = "UNDECLARED"


def _ninja_path_view(callback: Callable[..., Any]) -> Any | None:
    """The django-ninja PathView behind a URL pattern, or None when this is not one."""
    if not getattr(callback, "__name__", "").endswith("_view_wrapper"):
        return None
    path_view = inspect.getclosurevars(callback).nonlocals.get("self")
    return path_view if hasattr(path_view, "operations") else None


def _class_methods(view_class: type[View]) -> set[str]:
    methods = set()
    for name in view_class.http_method_names:
        handler = getattr(view_class, name, None)
        # Django's form views answer PUT by calling post(): the POST row covers that code.
        if handler is None or (name == "put" and handler is ProcessFormView.put):
            continue
        methods.add(name.upper())
    return methods - _IMPLIED


def _function_methods(callback: Callable[..., Any]) -> set[str] | None:
    function: Any = callback
    while function is not None:
        if isinstance(function, functools.partial):
            function = function.func
            continue
        if inspect.isfunction(function):
            declared = inspect.getclosurevars(function).nonlocals.get("request_method_list")
            if declared is not None:
                return {method.upper() for method in declared} - _IMPLIED
        function = getattr(function, "__wrapped__", None)
    return None


def _patterns(resolver: URLResolver, namespace: str = "") -> Iterator[tuple[str, URLPattern]]:
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _patterns(pattern, inner)
        elif isinstance(pattern, URLPattern):
            name = pattern.name or f"<unnamed {pattern.pattern}>"
            yield f"{namespace}{name}", pattern


def endpoints() -> set[tuple[str, str]]:
    """(URL name, method) for every endpoint; method UNDECLARED for views that declare none."""
    found: set[tuple[str, str]] = set()
    # ninja yields one URL pattern per operation of a path, in the order of path_view.operations.
    pending_operations: dict[int, Iterator[Any]] = {}
    for name, pattern in _patterns(get_resolver()):
        callback = pattern.callback
        path_view = _ninja_path_view(callback)
        if path_view is not None:
            operation = next(
                pending_operations.setdefault(id(path_view), iter(path_view.operations))
            )
            found |= {(name, method.upper()) for method in operation.methods}
            continue
        # A method decorator around a class-based view (accounts/sso/allauth_urls.py wraps
        # allauth's SAML views, which only define `dispatch`) is what the URL answers.
        declared = _function_methods(callback)
        if declared:
            found |= {(name, method) for method in declared}
            continue
        view_class = getattr(callback, "view_class", None)
        if view_class is not None:
            found |= {(name, method) for method in _class_methods(view_class)}
            continue
        methods = _function_methods(callback)
        found |= {(name, method) for method in methods} if methods else {(name, UNDECLARED)}
    return found


def url_names() -> set[str]:
    return {name for name, _pattern in _patterns(get_resolver())}
