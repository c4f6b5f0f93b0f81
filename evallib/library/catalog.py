"""The indicator library (指标库): open it, add, update and read indicators.

Usage: ``lib = Library.open("指标库.sqlite")``, then ``lib.add(LibraryIndicator(...))``,
``lib.get("PX-04")``, ``lib.fetch()``; search and the results store take ``lib``.

Writes keep the search index (:data:`~evallib.library.schema.indicator_gram`) and the project
types in the same transaction as the indicator, so a reader never sees one without the other.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import URL, Connection, Engine
from sqlalchemy.exc import DBAPIError

from ..errors import EvalError
from . import db
from .grams import grams, norm_key
from .model import LibraryIndicator
from .schema import indicator, indicator_gram, indicator_type, library_info, synonym

__all__ = ["Library"]

#: indicator table columns stored from the model (project types live in their own table)
_COLUMNS = [f for f in LibraryIndicator.model_fields if f != "project_types"]


@dataclass
class Library:
    """An opened library database (SQLite file or PostgreSQL).

    Use :meth:`open`; the engine is shared by the search, suggestion and results-store
    functions, which take the library as their first argument.
    """

    url: URL
    engine: Engine
    _synonyms: dict[str, list[str]] | None = field(default=None, repr=False)
    _names: dict[str, str] | None = field(default=None, repr=False)

    # ------------------------------------------------------------------ opening
    @classmethod
    def open(
        cls,
        db_ref: str | os.PathLike[str] | None = None,
        *,
        create: bool = True,
        seed: bool = True,
    ) -> Library:
        """Open (and on first use create) the library.

        Parameters
        ----------
        db_ref : str or path, optional
            SQLite file, ``sqlite:///…`` or ``postgresql://…`` URL; default ``$EVALLIB_LIBRARY``
            or the user's data folder.
        create : bool
            Create the schema in an empty database (else an empty database is an error).
        seed : bool
            Load the starter library (:mod:`evallib.library.starter`) into a new library.
        """
        url = db.resolve_url(db_ref)
        engine = db.connect_engine(url)
        state = db.check_opened(url, engine, create=create)
        lib = cls(url, engine)
        if state == "empty" and seed:
            from .starter import load_starter

            load_starter(lib)
        return lib

    @property
    def where(self) -> str:
        """The file or the URL (password hidden), for messages."""
        return db.describe(self.url)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def info(self) -> dict[str, str]:
        """``library_info`` as a dict (application, starter version, …)."""
        with self.engine.connect() as conn:
            return {
                k: v for k, v in conn.execute(sa.select(library_info.c.key, library_info.c.value))
            }

    def set_info(self, key: str, value: str, conn: Connection) -> None:
        conn.execute(sa.delete(library_info).where(library_info.c.key == key))
        conn.execute(sa.insert(library_info).values(key=key, value=value))

    # ------------------------------------------------------------------ writing
    def add(
        self, items: LibraryIndicator | Iterable[LibraryIndicator], *, replace: bool = False
    ) -> int:
        """Insert indicators (``replace``: update those whose code exists); returns how many.

        Raises
        ------
        EvalError
            A code already in the library (without ``replace``), or a duplicate code in ``items``.
        """
        batch = [items] if isinstance(items, LibraryIndicator) else list(items)
        _no_duplicate_codes(batch)
        try:
            with db.writing(self.engine) as conn:
                existing = _existing_ids(conn, [i.code for i in batch])
                clash = [c for c in existing if not replace]
                if clash:
                    raise EvalError(
                        f"编码已在指标库中：{'、'.join(clash[:10])}",
                        value=clash[0],
                        fix="换一个编码，或用 --replace 更新已有指标",
                    )
                _write(conn, batch, existing)
            self._names = None
        except DBAPIError as exc:
            raise db.db_error(self.url, exc) from None
        return len(batch)

    def remove(self, codes: Sequence[str]) -> int:
        """Delete indicators by code (their index rows go with them); returns how many."""
        with db.writing(self.engine) as conn:
            res = conn.execute(sa.delete(indicator).where(indicator.c.code.in_(list(codes))))
        self._names = None
        return res.rowcount or 0

    def set_synonyms(self, groups: Iterable[Sequence[str]], conn: Connection | None = None) -> None:
        """Replace the synonym groups (each a list of interchangeable words)."""
        rows = []
        for g, words in enumerate(groups, 1):
            rows += [{"term": w.strip(), "grp": g} for w in dict.fromkeys(words) if w.strip()]
        if conn is None:
            with db.writing(self.engine) as c:
                self.set_synonyms(groups, c)
            return
        conn.execute(sa.delete(synonym))
        if rows:
            conn.execute(sa.insert(synonym), rows)
        self._synonyms = None

    # ------------------------------------------------------------------ reading
    def get(self, code: str) -> LibraryIndicator:
        """The indicator with ``code``; an unknown code is an EvalError."""
        found = self.fetch(codes=[code])
        if not found:
            raise EvalError(
                f"指标库中没有编码 {code!r}", value=code, fix="用 evallib library search 查找编码"
            )
        return found[0]

    def fetch(
        self, *, codes: Sequence[str] | None = None, ids: Sequence[int] | None = None
    ) -> list[LibraryIndicator]:
        """Indicators by code or id (in the order asked), or all of them ordered by code."""
        q = sa.select(indicator.c.id, *[indicator.c[c] for c in _COLUMNS])
        if codes is not None:
            q = q.where(indicator.c.code.in_(list(codes)))
        if ids is not None:
            q = q.where(indicator.c.id.in_(list(ids)))
        with self.engine.connect() as conn:
            rows = conn.execute(q.order_by(indicator.c.code)).mappings().all()
            types = _types_of(conn, [r["id"] for r in rows])
        by_id = {
            r["id"]: LibraryIndicator.model_validate(
                {**{c: r[c] for c in _COLUMNS}, "project_types": types.get(r["id"], [])}
            )
            for r in rows
        }
        if ids is not None:
            return [by_id[i] for i in ids if i in by_id]
        if codes is not None:
            order = {ind.code: ind for ind in by_id.values()}
            return [order[c] for c in codes if c in order]
        return list(by_id.values())

    def name_map(self) -> dict[str, str]:
        """norm_key(name or alias) → code, names winning over aliases (cached in this process;
        this object's own writes refresh it)."""
        if self._names is None:
            with self.engine.connect() as conn:
                rows = conn.execute(
                    sa.select(indicator.c.code, indicator.c.name, indicator.c.aliases)
                ).all()
            out: dict[str, str] = {}
            for code, _name, aliases in rows:
                for a in aliases or []:
                    out.setdefault(norm_key(a), code)
            for code, name, _aliases in rows:
                out[norm_key(name)] = code
            self._names = out
        return self._names

    def count(self) -> int:
        with self.engine.connect() as conn:
            return int(
                conn.execute(sa.select(sa.func.count()).select_from(indicator)).scalar() or 0
            )

    def synonyms(self) -> dict[str, list[str]]:
        """Each word of a synonym group → the other words of its group (cached)."""
        if self._synonyms is None:
            with self.engine.connect() as conn:
                rows = conn.execute(sa.select(synonym.c.term, synonym.c.grp)).all()
            groups: dict[int, list[str]] = {}
            for term, g in rows:
                groups.setdefault(g, []).append(term)
            self._synonyms = {
                t: [o for o in sorted(ws) if o != t] for ws in groups.values() for t in ws
            }
        return self._synonyms

    def project_types(self) -> list[tuple[str, int]]:
        """Project types in the library with how many indicators each has."""
        q = (
            sa.select(indicator_type.c.project_type, sa.func.count())
            .group_by(indicator_type.c.project_type)
            .order_by(indicator_type.c.project_type)
        )
        with self.engine.connect() as conn:
            return [(t, int(n)) for t, n in conn.execute(q)]


def _no_duplicate_codes(batch: list[LibraryIndicator]) -> None:
    seen: set[str] = set()
    for item in batch:
        if item.code in seen:
            raise EvalError(
                f"编码重复 (duplicate code)：{item.code}", value=item.code, fix="每个指标一个编码"
            )
        seen.add(item.code)


def _existing_ids(conn: Connection, codes: list[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for i in range(0, len(codes), 500):
        q = sa.select(indicator.c.code, indicator.c.id).where(
            indicator.c.code.in_(codes[i : i + 500])
        )
        out.update({c: n for c, n in conn.execute(q)})
    return out


def _row(item: LibraryIndicator) -> dict[str, Any]:
    row = item.model_dump(include=set(_COLUMNS))
    row["name_key"] = norm_key(item.name)
    row["alias_keys"] = "\n".join(norm_key(a) for a in item.aliases)
    return row


def _write(conn: Connection, batch: list[LibraryIndicator], existing: dict[str, int]) -> None:
    """Insert or update ``batch`` with its types and search grams (one transaction)."""
    if existing:
        ids = list(existing.values())
        conn.execute(sa.delete(indicator_gram).where(indicator_gram.c.indicator_id.in_(ids)))
        conn.execute(sa.delete(indicator_type).where(indicator_type.c.indicator_id.in_(ids)))
        for item in batch:
            if item.code in existing:
                conn.execute(
                    sa.update(indicator)
                    .where(indicator.c.id == existing[item.code])
                    .values(**_row(item))
                )
    new = [i for i in batch if i.code not in existing]
    if new:
        conn.execute(sa.insert(indicator), [_row(i) for i in new])
    ids = _existing_ids(conn, [i.code for i in batch])
    type_rows = [
        {"indicator_id": ids[i.code], "project_type": t} for i in batch for t in i.project_types
    ]
    gram_rows = [
        {"gram": g, "indicator_id": ids[i.code], "field": f}
        for i in batch
        for f, text in i.search_fields().items()
        for g in sorted(grams(text))
    ]
    if type_rows:
        conn.execute(sa.insert(indicator_type), type_rows)
    if gram_rows:
        conn.execute(sa.insert(indicator_gram), gram_rows)


def _types_of(conn: Connection, ids: list[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for i in range(0, len(ids), 500):
        q = (
            sa.select(indicator_type.c.indicator_id, indicator_type.c.project_type)
            .where(indicator_type.c.indicator_id.in_(ids[i : i + 500]))
            .order_by(indicator_type.c.indicator_id, indicator_type.c.project_type)
        )
        for iid, t in conn.execute(q):
            out.setdefault(iid, []).append(t)
    return out
