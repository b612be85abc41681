"""Import aiogram in about half the time and with about 50 MB less memory.

`import aiogram` ends (aiogram/types/__init__.py) by calling `model_rebuild` on each of its
~450 Telegram types in alphabetical order. Almost all of them refer to one another through
`Message`, and pydantic generates, inside each model it builds, the schema of every nested
model that is not built yet. In alphabetical order most nested models are not built yet,
so the same schemas are generated again and again: on pydantic 2.13 about 11,000 model
schemas for 633 models, 2.1 s and 166 MB on this project's machines (bench/RESULTS.md, P4).

This module changes the order only. While aiogram is being imported, the first of those
`model_rebuild` calls builds `Message` (the hub of the large cycle of types), then every
type after the types it refers to, so that a finished model is reused instead of being
generated again; aiogram's own calls then find every model built. The validators are
equivalent (tests/test_boot.py compares every type's JSON schema and validation with a
plain import).

Only the entry points install it (`python -m bot`: polling, the webhook workers, the
sandbox; bench's start-up probe), never an import: services, migrations, tools and tests
import aiogram plainly. It applies only to the aiogram and pydantic versions it was
verified against (VERIFIED); with any other, aiogram is imported plainly (a DEBUG line
says so). Nothing changes either when aiogram is already imported or when
AIOGRAM_PLAIN_IMPORT=1; anything unexpected in the walk leaves the remaining work to
aiogram's own calls.

Upstream, this module becomes unnecessary once aiogram builds its types in dependency order
itself (the `model_rebuild` loop at the end of aiogram/types/__init__.py; aiogram issues
#1876 and #1891 report the slow import), or once pydantic reuses or defers the schemas of
nested models that are not built yet (`defer_build` for aiogram's types) instead of
generating them again inside each model. Then delete it and its `install()` calls.
"""

from __future__ import annotations

import contextlib
import gc
import importlib.abc
import importlib.machinery
import importlib.util
import logging
import os
import sys
import typing
from collections.abc import Iterator
from typing import Any, TypeVar

log = logging.getLogger(__name__)

# Built first: the type most of the others reach, and through which they reach each other.
HUBS = ("Message",)
# The versions tests/test_boot.py was run against (the same JSON schema for every type and
# method, the same parsed updates) and bench P4 measured. Another version imports aiogram
# plainly until that test passes on it and this pin moves.
VERIFIED = {"aiogram": "3.31.0", "pydantic": "2.13.5"}
# Set once aiogram's types were built in order (tests/test_boot.py checks the path was taken).
built_in_order = False

_M = TypeVar("_M")  # the base class the models are gathered by (pydantic's BaseModel)


def _referenced_models(annotation: Any, namespace: dict[str, Any], base: type[_M], out: list[type[_M]]) -> None:
    """The pydantic models an annotation names (through unions, lists and aliases)."""
    if isinstance(annotation, str):
        try:
            annotation = eval(annotation, {}, namespace)  # noqa: S307 - aiogram's own annotations, aiogram's names
        except Exception:
            return
    if isinstance(annotation, type):
        if issubclass(annotation, base):
            out.append(annotation)
        return
    for arg in typing.get_args(annotation):
        _referenced_models(arg, namespace, base, out)


def _build_order(namespace: dict[str, Any], base: type[_M]) -> list[type[_M]]:
    """The models of `namespace`, each after the models it refers to (depth first, post-order;
    a cycle is cut where it closes)."""
    models = [value for value in namespace.values() if isinstance(value, type) and issubclass(value, base)]
    order: list[type[_M]] = []
    seen: set[type] = set()
    for root in models:
        if root in seen:
            continue
        seen.add(root)
        stack: list[tuple[type[_M], list[type[_M]]]] = [(root, _dependencies(root, namespace, base))]
        while stack:
            model, pending = stack[-1]
            if pending:
                dep = pending.pop()
                if dep not in seen:
                    seen.add(dep)
                    stack.append((dep, _dependencies(dep, namespace, base)))
                continue
            stack.pop()
            order.append(model)
    return order


def _dependencies(model: type, namespace: dict[str, Any], base: type[_M]) -> list[type[_M]]:
    found: list[type[_M]] = []
    for klass in model.__mro__:
        for annotation in vars(klass).get("__annotations__", {}).values():
            _referenced_models(annotation, namespace, base, found)
    return [dep for dep in reversed(found) if dep is not model]


@contextlib.contextmanager
def _ordered_rebuilds() -> Iterator[None]:
    """While aiogram's package runs: its first `model_rebuild(_types_namespace=…)` call builds
    every type of that namespace in order; aiogram's own calls then find them built."""
    from pydantic import BaseModel

    original = BaseModel.__dict__["model_rebuild"]
    rebuild = original.__func__
    state = {"ordered": False}

    def build_in_order(namespace: dict[str, Any]) -> None:
        for name in HUBS:
            hub = namespace.get(name)
            if isinstance(hub, type) and issubclass(hub, BaseModel) and not hub.__pydantic_complete__:
                rebuild(hub, _types_namespace=namespace)
        for model in _build_order(namespace, BaseModel):
            if not model.__pydantic_complete__:
                rebuild(model, raise_errors=False, _types_namespace=namespace)

    def model_rebuild(cls: type[BaseModel], *args: Any, _types_namespace: Any = None, **kwargs: Any) -> Any:
        if _types_namespace is None:
            # One frame deeper than pydantic expects: its caller's namespace is one further up.
            kwargs["_parent_namespace_depth"] = kwargs.get("_parent_namespace_depth", 2) + 1
        elif not state["ordered"] and isinstance(_types_namespace, dict):
            state["ordered"] = True
            try:
                build_in_order(_types_namespace)
                global built_in_order
                built_in_order = True
            except Exception:  # pragma: no cover - a future aiogram/pydantic: aiogram's own calls finish the work
                log.debug("building aiogram's types in order failed; aiogram's own order goes on", exc_info=True)
        return rebuild(cls, *args, _types_namespace=_types_namespace, **kwargs)

    BaseModel.model_rebuild = classmethod(model_rebuild)  # type: ignore[method-assign, assignment]
    try:
        yield
    finally:
        BaseModel.model_rebuild = original  # type: ignore[method-assign]


class _AiogramFinder(importlib.abc.MetaPathFinder):
    """Finds aiogram as Python would, and runs its package inside `_ordered_rebuilds`."""

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> importlib.machinery.ModuleSpec | None:
        if fullname != "aiogram":
            return None
        sys.meta_path.remove(self)  # once: the normal finders do the rest
        spec = importlib.util.find_spec("aiogram")
        # Checked here, not in install(): aiogram imports importlib.metadata anyway, and a
        # command that never imports aiogram pays for neither.
        other = unverified()
        if other:
            log.debug("aiogram is imported in its own order: %s", other)
            return spec
        loader = spec.loader if spec is not None else None
        if loader is None or not hasattr(loader, "exec_module"):
            return spec
        exec_module = loader.exec_module

        def ordered_exec_module(module: Any) -> None:
            with _ordered_rebuilds():
                exec_module(module)

        loader.exec_module = ordered_exec_module  # type: ignore[method-assign]
        return spec


def unverified() -> str | None:
    """Which installed version is not the one VERIFIED names (None: all are)."""
    from importlib import metadata

    found = []
    for dist, verified in VERIFIED.items():
        try:
            version = metadata.version(dist)
        except metadata.PackageNotFoundError:
            version = "missing"
        if version != verified:
            found.append(f"{dist} {version}, verified with {verified}")
    return "; ".join(found) or None


def install() -> None:
    """Called by the entry points only: from now on, the first `import aiogram` builds its
    types in dependency order (see the module's docstring), if aiogram and pydantic are the
    VERIFIED versions. Nothing is imported here: commands that never touch aiogram
    (`--help`, `unit list`, `campaign check`) do not pay for it."""
    if "aiogram" in sys.modules or os.environ.get("AIOGRAM_PLAIN_IMPORT") == "1":
        return
    if not any(isinstance(f, _AiogramFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, _AiogramFinder())


def freeze_startup_objects() -> None:
    """Called once a bot process has built everything it keeps (aiogram's types, the ORM's
    mappers, the campaign, the dispatcher): those objects leave the garbage collector's
    generations, so that its full passes scan only what the running bot creates. Those
    passes otherwise stop every update in flight for tens of milliseconds (bench/RESULTS.md,
    P1)."""
    gc.collect()
    gc.freeze()
