"""Shared helpers: test-data paths and one-indicator systems for rule tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

from evallib.imports import skip_slow_optional_imports

skip_slow_optional_imports()  # the test processes are evallib's own too (1.9 s each)

from evallib import Evidence, evaluate  # noqa: E402
from evallib.indicators import system_from_dict  # noqa: E402

# No per-example deadline: the first example of a test may load templates or pandas (cold
# caches); speed is measured by benchmarks, not unit tests.
settings.register_profile(
    "evallib", deadline=None, max_examples=60, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("evallib")

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
DEMO_EVIDENCE = ROOT / "survey_data" / "demo" / "evidence.yaml"


# A process has one multiprocessing fork server, started by whoever needs it first with the
# preload list set then: the hostile-input suite (its cases run in children of it) or a warm
# report run (evallib.report.warm).  Started here, once per test process, with both lists, so
# neither kind of child imports what the other did not preload.
HOSTILE_PRELOAD = [
    "evallib.cli", "evallib.survey", "evallib.review", "evallib.weighting", "evallib.report",
    "evallib.report.warm", "evallib.cli_goals", "evallib.goals", "evallib.cli_monitor",
    "evallib.monitor", "evallib.cli_library", "evallib.library", "evallib.library.db",
    "evallib.cli_rank", "evallib.comprehensive", "openpyxl", "python_calamine", "alembic.command",
    "tests.hostile_cases",
]  # fmt: skip


@pytest.fixture(scope="session", autouse=True)
def _fork_server() -> None:
    import multiprocessing as mp
    import multiprocessing.forkserver

    from evallib.report.warm import PRELOAD

    if "forkserver" in mp.get_all_start_methods():
        mp.set_forkserver_preload([*PRELOAD, *HOSTILE_PRELOAD])
        multiprocessing.forkserver.ensure_running()


def data_path(name: str) -> Path:
    """Path of a file in tests/data."""
    return DATA / name


def one_leaf_system(
    rule: Any, points: float = 10, target: Any = None, total: float | None = None, **extra: Any
) -> Any:
    """A valid system whose single leaf has the given rule, plus a filler leaf so the total
    reaches 100 (grades then follow the national scale)."""
    leaf: dict[str, Any] = {"code": "X", "name": "被测指标", "points": points, "rule": rule}
    if target is not None:
        leaf["target"] = target
    leaf.update(extra)
    filler = {"code": "F", "name": "其他指标", "points": 100 - points, "rule": "manual"}
    return system_from_dict({"name": "测试", "total": total or 100,
                             "indicators": [leaf, filler]})  # fmt: skip


def score_leaf(
    rule: Any, item: dict[str, Any], points: float = 10, target: Any = None,
    profile: str | None = None, budget: dict[str, float] | None = None,
) -> Any:  # fmt: skip
    """Score one indicator; returns its result row (dict)."""
    system = one_leaf_system(rule, points, target)
    ev = Evidence(
        indicators={"X": item, "F": {"score": 100 - points, "reason": "满分"}},
        budget=budget,
    )
    res = evaluate(system, ev, profile=profile)
    return res.indicators.set_index("code").loc["X"].to_dict()


@pytest.fixture
def demo_evidence() -> Path:
    return DEMO_EVIDENCE


def run_notebook(name: str, out: Path, parameters: dict[str, Any]) -> tuple[str, int]:
    """Run a shipped notebook with papermill (cwd ``notebooks/``); assert no cell failed and
    return its text outputs (markdown, plain, HTML) joined, and the number of PNG images."""
    import nbformat

    from evallib.report.warm import execute_notebook_warm

    # in a warm child (papermill, in-process engine): the same outputs as a kernel
    # (tests/test_warm.py), without a kernel start and the imports per notebook
    execute_notebook_warm(ROOT / "notebooks" / name, out, parameters, cwd=ROOT / "notebooks")
    texts, images = [], 0
    for cell in nbformat.read(out, as_version=4).cells:
        for o in cell.get("outputs", []):
            assert o.get("output_type") != "error", o
            data = o.get("data", {})
            texts.append("".join(data.get(k, "") for k in ("text/markdown", "text/plain",
                                                          "text/html")))  # fmt: skip
            images += "image/png" in data
    return "\n".join(texts), images


# --------------------------------------------------------------------------- library databases
# The library tests run on SQLite and on a real PostgreSQL server: the one named by
# EVALLIB_TEST_PG_URL (.ci/run starts it), else one started here from Debian's binaries.  With
# EVALLIB_REQUIRE_PG set, a missing server fails the run instead of skipping.


@pytest.fixture(scope="session")
def pg_server_url() -> Any:
    import os
    import tempfile

    url = os.environ.get("EVALLIB_TEST_PG_URL")
    if url:
        yield url
        return
    from .pgserver import find_bin, start, stop

    if find_bin() is None:
        if os.environ.get("EVALLIB_REQUIRE_PG"):
            pytest.fail("PostgreSQL server binaries not found (apt-get install postgresql)")
        pytest.skip("PostgreSQL server binaries not found (apt-get install postgresql)")
    base = Path(tempfile.mkdtemp(prefix="evallib-pg-", dir="/tmp"))
    try:
        yield start(base)
    finally:
        stop(base)


def _pg_schema_url(server_url: str) -> tuple[str, Any]:
    """A URL whose search_path is a new schema, and a function dropping that schema."""
    import uuid

    import sqlalchemy as sa

    schema = f"t_{uuid.uuid4().hex[:12]}"
    engine = sa.create_engine(server_url)
    with engine.begin() as conn:
        conn.execute(sa.text(f"CREATE SCHEMA {schema}"))

    def drop() -> None:
        with engine.begin() as conn:
            conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
        engine.dispose()

    return f"{server_url}&options=-csearch_path%3D{schema}", drop


@pytest.fixture(params=["sqlite", "postgresql"])
def library_url(request: Any, tmp_path: Path) -> Any:
    """An empty library database on each backend (a file, or a fresh PostgreSQL schema)."""
    if request.param == "sqlite":
        yield str(tmp_path / "library.sqlite")
        return
    url, drop = _pg_schema_url(request.getfixturevalue("pg_server_url"))
    yield url
    drop()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def seeded_library(request: Any, tmp_path_factory: Any) -> Any:
    """The starter library, once per module and backend (read-only tests)."""
    from evallib.library import Library

    if request.param == "sqlite":
        lib = Library.open(tmp_path_factory.mktemp("lib") / "library.sqlite")
        yield lib
        lib.close()
        return
    url, drop = _pg_schema_url(request.getfixturevalue("pg_server_url"))
    lib = Library.open(url)
    yield lib
    lib.close()
    drop()
