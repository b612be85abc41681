"""Units form a tree: ministry units, provincial departments, their divisions (§II.1.1)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.clock import Clock
from bot.services.audit import AuditService
from bot.services.errors import InvalidInput, NotFound
from storage.models import Unit, UnitKind
from storage.repositories import UnitRepo

CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$")
CSV_COLUMNS = ("code", "name", "parent_code", "kind")
DOC_CODE_RE = re.compile(r"^[A-ZĐ0-9][A-ZĐ0-9&.-]{0,19}$")
PLACE_MAX = 64
CSV_MAX_BYTES = 1024 * 1024


@dataclass(frozen=True)
class TreeRow:
    unit: Unit
    depth: int


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int


class UnitService:
    def __init__(self, session: AsyncSession, clock: Clock) -> None:
        self.session = session
        self.repo = UnitRepo(session)
        self.clock = clock
        self.audit = AuditService(session, clock)

    @staticmethod
    def _check(code: str, name: str, kind: str) -> UnitKind:
        if not CODE_RE.match(code or ""):
            raise InvalidInput("unit_code", value=code)
        if not name.strip() or len(name) > 255:
            raise InvalidInput("unit_name", value=name)
        try:
            return UnitKind(kind)
        except ValueError:
            raise InvalidInput("unit_kind", value=kind) from None

    async def _place(self, unit: Unit, parent: Unit | None) -> None:
        old_path = unit.path if unit.id is not None else None
        unit.parent_id = parent.id if parent else None
        self.session.add(unit)
        await self.session.flush()
        unit.path = f"{parent.path if parent else '/'}{unit.id}/"
        if old_path and old_path != unit.path:
            # A moved unit takes its sub-units along.
            for sub in await self.repo.subtree_by_path(old_path):
                if sub.id != unit.id:
                    sub.path = unit.path + sub.path[len(old_path) :]

    async def add(
        self,
        code: str,
        name: str,
        parent_code: str | None = None,
        kind: str = "ministry_unit",
        *,
        by: int | None = None,
    ) -> Unit:
        """A new unit; `by`: the administrator who added it in the chat (audited)."""
        code, name = code.strip(), " ".join(name.split())
        unit_kind = self._check(code, name, kind)
        if await self.repo.by_code(code):
            raise InvalidInput("unit_exists", value=code)
        parent = None
        if parent_code:
            parent = await self.repo.by_code(parent_code.strip())
            if parent is None:
                raise NotFound("unit", value=parent_code)
        unit = Unit(code=code, name=name, kind=unit_kind, created_at=self.clock.now())
        await self._place(unit, parent)
        if by is not None:
            self.audit.note(by, "unit.add", detail=f"code={unit.code} parent={parent_code}")
        await self.session.commit()
        return unit

    async def import_file(self, raw: bytes, *, by: int | None = None) -> ImportResult:
        """A CSV file as sent (UTF-8, with or without its byte order mark), at most CSV_MAX_BYTES."""
        if len(raw) > CSV_MAX_BYTES:
            raise InvalidInput("csv_file", max=CSV_MAX_BYTES // 1024)
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InvalidInput("csv_file", max=CSV_MAX_BYTES // 1024) from None
        return await self.import_csv(text, by=by)

    async def import_csv(self, text: str, *, by: int | None = None) -> ImportResult:
        """Create or update units from CSV (code,name,parent_code,kind); all or nothing (a
        savepoint: a bad row undoes the rows placed before it, and nothing else).

        Rows may come in any order: a parent may be listed after its children.
        """
        reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
        missing = [c for c in ("code", "name") if c not in (reader.fieldnames or [])]
        if missing:
            raise InvalidInput("csv_header", columns=", ".join(CSV_COLUMNS))
        rows: dict[str, tuple[int, str, str, UnitKind]] = {}
        for line_no, row in enumerate(reader, start=2):
            code = (row.get("code") or "").strip()
            name = " ".join((row.get("name") or "").split())
            kind = (row.get("kind") or "ministry_unit").strip() or "ministry_unit"
            try:
                unit_kind = self._check(code, name, kind)
            except InvalidInput as exc:
                raise InvalidInput("csv_row", line=line_no, problem=exc.code) from None
            if code.lower() in {c.lower() for c in rows}:
                raise InvalidInput("csv_row", line=line_no, problem="unit_exists")
            rows[code] = (line_no, name, (row.get("parent_code") or "").strip(), unit_kind)

        async with self.session.begin_nested():
            created, updated = await self._import_rows(rows)
        if by is not None:
            self.audit.note(by, "unit.import", detail=f"created={created} updated={updated}")
        await self.session.commit()
        return ImportResult(created=created, updated=updated)

    async def _import_rows(self, rows: dict[str, tuple[int, str, str, UnitKind]]) -> tuple[int, int]:
        """Place every row, parents first; InvalidInput for an unknown parent or a cycle."""
        created = updated = 0
        placed: dict[str, Unit] = {}
        pending = dict(rows)
        while pending:
            progress = False
            for code, (line_no, name, parent_code, kind) in list(pending.items()):
                parent: Unit | None = None
                if parent_code:
                    if parent_code in pending:
                        continue  # its parent comes first
                    parent = placed.get(parent_code) or await self.repo.by_code(parent_code)
                    if parent is None:
                        raise InvalidInput("csv_row", line=line_no, problem="unknown_parent")
                unit = await self.repo.by_code(code)
                if unit is None:
                    unit = Unit(code=code, name=name, kind=kind, created_at=self.clock.now())
                    created += 1
                else:
                    unit.name, unit.kind = name, kind
                    updated += 1
                await self._place(unit, parent)
                placed[code] = unit
                del pending[code]
                progress = True
            if not progress:
                first = min(line for line, *_ in pending.values())
                raise InvalidInput("csv_row", line=first, problem="cycle")
        return created, updated

    async def set_document(self, code: str, doc_code: str, place: str | None = None, *, by: int | None = None) -> Unit:
        """Decree 30/2020: the code after the kind of document ("Số: …/BC-STNMT") and the
        place before the date ("Hà Nội, ngày …")."""
        unit = await self.get_by_code(code)
        value = doc_code.strip().upper()
        if not DOC_CODE_RE.match(value):
            raise InvalidInput("doc_code", value=doc_code)
        where = " ".join((place or "").split())
        if place is not None and not 1 <= len(where) <= PLACE_MAX:
            raise InvalidInput("doc_place", max=PLACE_MAX)
        unit.doc_code = value
        if place is not None:
            unit.place = where
        self.session.add(unit)
        if by is not None:
            self.audit.note(by, "unit.doc", detail=f"code={unit.code} doc={unit.doc_code}")
        await self.session.commit()
        return unit

    async def tree(self) -> list[TreeRow]:
        units = await self.repo.all()
        return [TreeRow(u, u.path.count("/") - 2) for u in units]

    async def subtree_ids(self, unit_id: int) -> list[int]:
        unit = await self.repo.get(unit_id)
        if unit is None:
            raise NotFound("unit", value=str(unit_id))
        return [u.id for u in await self.repo.subtree(unit) if u.id is not None]

    async def get_by_code(self, code: str) -> Unit:
        unit = await self.repo.by_code(code)
        if unit is None:
            raise NotFound("unit", value=code)
        return unit

    async def all(self) -> Sequence[Unit]:
        return await self.repo.all()
