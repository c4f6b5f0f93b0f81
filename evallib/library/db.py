"""Opening the library database: where it is, what it is, and its schema version.

SQLite by default — one file, created on first use, at ``--db PATH``, ``$EVALLIB_LIBRARY`` or
the user's data folder (platformdirs) — and PostgreSQL for a team library by URL
(``postgresql://user@host/db``, driven by psycopg 3).  The schema is versioned by Alembic; a
database made by a newer evallib, an older schema, a foreign database or a file that is not a
database are refused with an :class:`~evallib.errors.EvalError` that says what to do.

SQLite writers take the write lock at the start of their transaction (``BEGIN IMMEDIATE``) and
wait up to 30 s for it, so two processes writing at once queue instead of failing half-way
(SQLAlchemy's documented recipe for pysqlite transactions).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.resources import files
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import URL, Connection, Engine
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, SQLAlchemyError

from ..errors import EvalError

__all__ = ["ENV_VAR", "connect_engine", "default_path", "resolve_url", "schema_state", "upgrade"]

ENV_VAR = "EVALLIB_LIBRARY"
APPLICATION = "evallib"
_WRITE = "evallib_write"
_BUSY_SECONDS = 30


def default_path() -> Path:
    """The SQLite file used when neither ``--db`` nor ``$EVALLIB_LIBRARY`` names one."""
    import platformdirs

    return platformdirs.user_data_path("evallib", appauthor=False) / "library.sqlite"


def resolve_url(db: str | os.PathLike[str] | None = None) -> URL:
    """The database URL for ``db``: a URL (``sqlite:///…``, ``postgresql://…``) or a file path.

    ``postgresql://`` and ``postgres://`` use psycopg 3.  Other databases are refused.
    """
    raw = os.fspath(db) if db is not None else os.environ.get(ENV_VAR) or str(default_path())
    if "://" not in raw:
        return URL.create("sqlite", database=str(Path(raw).expanduser().resolve()))
    try:
        url = sa.make_url(raw)
    except ArgumentError:
        raise EvalError(
            "数据库地址 (database URL) 无法识别",
            value=_safe(raw),
            fix="使用 SQLite 文件路径，或 postgresql://用户@主机:端口/库名",
        ) from None
    backend = url.get_backend_name()
    if backend in ("postgresql", "postgres"):
        return url.set(drivername="postgresql+psycopg")
    if backend == "sqlite" and url.drivername in ("sqlite", "sqlite+pysqlite"):
        return url
    raise EvalError(
        f"不支持的数据库 (database) {backend}",
        value=_safe(raw),
        fix="指标库支持 SQLite（默认，文件路径）和 PostgreSQL（postgresql://…）",
    )


def _safe(raw: str) -> str:
    """A URL as it may be printed: the password hidden."""
    try:
        return sa.make_url(raw).render_as_string(hide_password=True)
    except ArgumentError:
        return raw.split("@")[-1]


def describe(url: URL) -> str:
    """Where the library is, for messages: the file, or the URL without its password."""
    if url.get_backend_name() == "sqlite":
        return str(url.database)
    return url.render_as_string(hide_password=True)


def _sqlite_events(engine: Engine) -> None:
    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # evallib issues BEGIN itself (below)
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys = ON")
        cur.execute(f"PRAGMA busy_timeout = {_BUSY_SECONDS * 1000}")
        cur.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get(_WRITE, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def connect_engine(url: URL) -> Engine:
    """An engine for ``url``; a SQLite file's folder is created (the file on first write)."""
    try:
        if url.get_backend_name() == "sqlite":
            if url.database and url.database != ":memory:":
                Path(url.database).parent.mkdir(parents=True, exist_ok=True)
            engine = sa.create_engine(url, connect_args={"timeout": _BUSY_SECONDS})
            _sqlite_events(engine)
            return engine
        return sa.create_engine(url, pool_pre_ping=True)
    except (NoSuchModuleError, ImportError) as exc:
        raise EvalError(
            f"缺少数据库驱动 (driver)：{exc}",
            value=describe(url),
            fix="pip install 'psycopg[binary]'（evallib 的依赖，重新安装 evallib 即可）",
        ) from None


@contextmanager
def writing(engine: Engine) -> Iterator[Connection]:
    """A write transaction (SQLite: ``BEGIN IMMEDIATE``, waiting for other writers)."""
    with engine.connect().execution_options(**{_WRITE: True}) as conn, conn.begin():
        yield conn


def db_error(url: URL, exc: BaseException) -> EvalError:
    """The EvalError for a database that cannot be used."""
    where = describe(url)
    text = str(getattr(exc, "orig", exc)).strip().splitlines()[0] if str(exc) else type(exc)
    if url.get_backend_name() == "sqlite":
        return EvalError(
            f"无法打开指标库 (library)：{text}",
            file=where,
            fix="确认该文件是 evallib 指标库（SQLite）且未损坏；损坏时用备份恢复，"
            "或用 --db 指定新文件（首次使用时自动创建）",
        )
    return EvalError(
        f"无法连接指标库数据库 (PostgreSQL)：{text}",
        value=where,
        fix="检查地址、用户、密码（可放在 ~/.pgpass）和服务器是否运行，见 docs/library.md",
    )


def _script_directory() -> Any:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(files("evallib.library") / "migrations"))
    return cfg, ScriptDirectory.from_config(cfg)


def schema_state(conn: Connection) -> tuple[str, str | None, str]:
    """``(state, revision, head)`` where state is ``empty``, ``current``, ``old``, ``newer`` or
    ``foreign`` (tables without evallib's mark)."""
    _cfg, script = _script_directory()
    head = script.get_current_head()
    names = set(sa.inspect(conn).get_table_names())
    if not names:
        return "empty", None, head
    if "alembic_version" not in names or "library_info" not in names:
        return "foreign", None, head
    rev = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
    mark = conn.execute(
        sa.text("SELECT value FROM library_info WHERE key = :k"), {"k": "application"}
    ).scalar()
    if mark != APPLICATION:
        return "foreign", rev, head
    if rev == head:
        return "current", rev, head
    known = {s.revision for s in script.walk_revisions()}
    return ("old" if rev in known else "newer"), rev, head


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest revision (creating it in an empty database)."""
    from alembic import command

    cfg, _script = _script_directory()
    with writing(engine) as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
        if conn.execute(sa.text("SELECT count(*) FROM library_info")).scalar() == 0:
            conn.execute(
                sa.text("INSERT INTO library_info (key, value) VALUES (:k, :v)"),
                [{"k": "application", "v": APPLICATION}],
            )


def check_opened(url: URL, engine: Engine, *, create: bool) -> str:
    """Check the database at ``url`` and create its schema when empty; returns the state found.

    Raises
    ------
    EvalError
        Foreign database, newer or older schema, unreadable file, unreachable server.
    """
    try:
        with engine.connect() as conn:
            state, rev, head = schema_state(conn)
    except (DBAPIError, SQLAlchemyError) as exc:
        raise db_error(url, exc) from None
    where = describe(url)
    if state == "foreign":
        raise EvalError(
            "该数据库不是 evallib 指标库 (foreign database)：已有其他表，没有 evallib 的标记",
            file=where,
            fix="用 --db 指定一个新文件或空数据库；不要与其他程序共用同一个库",
        )
    if state == "newer":
        raise EvalError(
            f"指标库由更新版本的 evallib 创建（结构版本 {rev}，本版本只认识到 {head}）",
            file=where,
            fix="升级 evallib（pip install -U evallib）后再使用",
        )
    if state == "old":
        raise EvalError(
            f"指标库结构版本 {rev} 较旧（当前 {head}）",
            file=where,
            fix="先备份，再运行 evallib library upgrade --db …（见 docs/library.md）",
        )
    if state == "empty":
        if not create:
            raise EvalError(
                "指标库为空 (empty database)", file=where, fix="运行 evallib library init"
            )
        upgrade(engine)
    return state
