"""The picture of issue #15, read from the source (no module is imported): entry → handlers →
services → storage, with views beside handlers and the scheduler, and no arrow back up.

Each rule names the files and lines that break it. docs/architecture.md tells the same
picture in prose.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bot", "handlers", "storage", "scheduler", "emulator")


@dataclass(frozen=True)
class Import:
    source: str  # the importing module, dotted
    target: str  # the imported module, dotted (a name imported from a module counts as that module)
    line: int
    where: str  # "module", "type_checking" or "function"

    def __str__(self) -> str:
        return f"{self.source.replace('.', '/')}.py:{self.line} imports {self.target} ({self.where})"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def source_files() -> Iterator[Path]:
    for package in PACKAGES:
        yield from sorted((ROOT / package).rglob("*.py"))  # Alembic's revisions too: they are storage


MODULES = {module_name(p): p for p in source_files()}


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _resolve(source: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = source.split(".") if is_package else source.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def imports_of_source(text: str, source: str, *, is_package: bool = False) -> list[Import]:
    """Every import of one module's text: where it sits (module level, an `if TYPE_CHECKING:`
    block, inside a function) and which first-party module it reaches."""
    found: list[Import] = []

    def visit(nodes: list[ast.AST], where: str) -> None:
        for node in nodes:
            if isinstance(node, ast.Import):
                found.extend(Import(source, alias.name, node.lineno, where) for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = _resolve(source, is_package, node)
                for alias in node.names:
                    sub = f"{base}.{alias.name}"
                    found.append(Import(source, sub if sub in MODULES else base, node.lineno, where))
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                visit(list(ast.iter_child_nodes(node)), "function")
            elif isinstance(node, ast.If) and _is_type_checking(node.test) and where == "module":
                visit(list(node.body), "type_checking")
                visit(list(node.orelse), "module")
            else:
                visit(list(ast.iter_child_nodes(node)), where)

    visit(list(ast.parse(text).body), "module")
    return found


def imports_of(path: Path) -> list[Import]:
    return imports_of_source(path.read_text(encoding="utf-8"), module_name(path), is_package=path.name == "__init__.py")


ALL_IMPORTS = [imp for path in MODULES.values() for imp in imports_of(path)]


def _under(name: str, *prefixes: str) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def breaking(
    layer: tuple[str, ...], forbidden: tuple[str, ...], *, allow_type_checking: tuple[str, ...] = ()
) -> list[str]:
    """The imports from modules under `layer` of anything under `forbidden`, wherever they sit
    in the file (an import inside a function is an arrow too)."""
    return sorted(
        {
            str(imp)
            for imp in ALL_IMPORTS
            if _under(imp.source, *layer)
            and _under(imp.target, *forbidden)
            and not (imp.where == "type_checking" and _under(imp.target, *allow_type_checking))
        },
        key=by_place,
    )


def importers_of(target: str, *, allowed: tuple[str, ...]) -> list[str]:
    """The imports of anything under `target` by modules outside `allowed`."""
    found = {str(i) for i in ALL_IMPORTS if _under(i.target, target) and not _under(i.source, *allowed)}
    return sorted(found, key=by_place)


def graph(*wheres: str) -> dict[str, set[str]]:
    """Module → the first-party modules it imports (at the given places)."""
    edges: dict[str, set[str]] = {name: set() for name in MODULES}
    for imp in ALL_IMPORTS:
        if imp.where in wheres and imp.target in MODULES and imp.target != imp.source:
            edges[imp.source].add(imp.target)
    return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan's, without recursion)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def enter(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)

    for root in sorted(edges):
        if root in index:
            continue
        enter(root)
        work = [(root, iter(sorted(edges[root])))]
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    enter(child)
                    work.append((child, iter(sorted(edges[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    found.append(sorted(group))
    return found


def by_place(finding: str) -> tuple[str, int]:
    """ "handlers/a.py:32 imports …" sorts by file, then by line as a number."""
    path, _, rest = finding.partition(":")
    line = rest.split(" ", 1)[0]
    return (path, int(line)) if line.isdigit() else (finding, 0)


def none(found: list[str] | list[list[str]]) -> None:
    """Fails listing every finding, one a line."""
    assert not found, "\n" + "\n".join(map(str, found))


def reaches(edges: dict[str, set[str]], start: str, goal: str) -> bool:
    seen, todo = {start}, [start]
    while todo:
        node = todo.pop()
        if node == goal:
            return True
        for after in edges[node] - seen:
            seen.add(after)
            todo.append(after)
    return False


# -- the reader itself ---------------------------------------------------------------------------


def test_the_reader_sees_every_kind_of_import() -> None:
    """The rules below are only as good as the reader: relative imports, modules imported by
    name from their package, TYPE_CHECKING blocks and imports inside functions told apart."""
    text = (
        "from typing import TYPE_CHECKING\n"
        "from . import checkin\n"
        "from .history import router\n"
        "from bot.views import screen\n"
        "import storage.models\n"
        "if TYPE_CHECKING:\n"
        "    from storage.db import make_engine\n"
        "else:\n"
        "    import aiogram\n"
        "class A:\n"
        "    async def f(self):\n"
        "        from scheduler import jobs\n"
        "        return jobs\n"
    )
    found = {(i.target, i.where) for i in imports_of_source(text, "handlers.probe")}
    assert found == {
        ("typing", "module"),
        ("handlers.checkin", "module"),
        ("handlers.history", "module"),
        ("bot.views.screen", "module"),
        ("storage.models", "module"),
        ("storage.db", "type_checking"),
        ("aiogram", "module"),
        ("scheduler.jobs", "function"),
    }
    # In a package's __init__, "." is the package itself.
    assert [i.target for i in imports_of_source("from . import jobs", "scheduler", is_package=True)] == [
        "scheduler.jobs"
    ]


def test_every_package_of_the_picture_is_read() -> None:
    for name in (
        "bot.app",
        "bot.services.provider",
        "bot.views.screen",
        "handlers.checkin",
        "storage.models",
        "scheduler.jobs",
        "scheduler.runner",
        "emulator.server",
        "bot.channels.telegram.render",
    ):
        assert name in MODULES, name
    assert any(i.where == "type_checking" for i in ALL_IMPORTS)


def test_the_cycle_finder_finds_cycles() -> None:
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert cycles(edges) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []
    assert reaches(edges, "d", "c") and not reaches(edges, "a", "d")


# -- the picture ------------------------------------------------------------------------------


def test_storage_knows_nothing_above_it() -> None:
    """storage/ holds tables, repositories and migrations: shared enums come from bot.domain,
    nothing from services, views, channels, handlers, the scheduler or aiogram."""
    above = ("bot.services", "bot.views", "bot.channels", "handlers", "scheduler", "emulator", "aiogram")
    none(breaking(("storage",), above))


def test_services_know_no_channel_and_no_screen() -> None:
    """bot/services/ decides; it never draws (views), routes (handlers), speaks Telegram
    (aiogram, bot.channels) or reaches into the scheduler."""
    none(breaking(("bot.services",), ("aiogram", "handlers", "bot.views", "bot.channels", "scheduler", "emulator")))


def test_views_are_pure() -> None:
    """bot/views/ turns what a service returned into a Screen: no aiogram, no handlers, no
    scheduler, no channel; storage only for annotations (`if TYPE_CHECKING:`)."""
    forbidden = ("aiogram", "handlers", "scheduler", "bot.channels", "emulator", "storage")
    none(breaking(("bot.views",), forbidden, allow_type_checking=("storage",)))


def test_handlers_reach_storage_only_through_services() -> None:
    """handlers/ route: the shared enums and Person come from bot.domain, data from the
    injected services; the scheduler is entered from the app, not from a handler."""
    none(breaking(("handlers",), ("storage", "scheduler", "emulator")))


def test_the_scheduler_draws_with_views_not_handlers() -> None:
    none(breaking(("scheduler",), ("handlers", "emulator")))


def test_only_the_entry_points_import_handlers() -> None:
    """entry → handlers: the Dispatcher factory (bot.app) and the sandbox include the routers;
    nothing below them (services, views, storage, scheduler, renderers, channels) looks up."""
    none(importers_of("handlers", allowed=("handlers", "bot.app", "bot.__main__", "bot.webhook", "bot.sandbox")))


def test_only_the_sandbox_runs_the_emulator() -> None:
    """emulator/ is a test double: of the production packages only the sandbox starts it, and
    it imports none of them (it checks Telegram's rules, not this bot's)."""
    none(importers_of("emulator", allowed=("emulator", "bot.sandbox")))
    none(breaking(("emulator",), ("bot", "handlers", "storage", "scheduler")))


def test_no_import_cycle_between_modules() -> None:
    none(cycles(graph("module")))


def test_no_import_hides_inside_a_function_from_a_cycle() -> None:
    """An import inside a function that the imported module would close into a cycle (through
    module-level or other in-function imports) is a dodged cycle: the two modules belong to
    different layers, or the shared part belongs in a third module. Imports inside functions
    that close no cycle stay allowed: the CLI loads per command what that command needs, and
    optional or heavy libraries (matplotlib, openpyxl, redis, PostgreSQL's dialect) load on
    first use, each with its reason beside it."""
    edges = graph("module", "function")
    dodged = sorted(
        {
            str(i)
            for i in ALL_IMPORTS
            if i.where == "function"
            and i.target in MODULES
            and i.target != i.source
            and reaches(edges, i.target, i.source)
        },
        key=by_place,
    )
    none(dodged)
