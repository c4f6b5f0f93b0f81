"""The hostile-input suite: every case of tests/hostile_cases.py through the real CLI entry
point, each in its own process (forked from a server that imported evallib once) with a memory
limit and a time limit.

A case passes when it gives a result (exit 0) or an EvalError (exit 2) as its expectation says,
stderr never holds a traceback, an error names the file and says what the case expects, and
no input file was modified.
"""

from __future__ import annotations

import hashlib
import multiprocessing as mp
from pathlib import Path

import pytest

from .hostile_cases import Case, baseline, build_cases, numbers, run_child

TIME_LIMIT_S = 30  # per case, wall clock (a case takes well under 2 s; bombs must too)


@pytest.fixture(scope="module")
def ctx() -> mp.context.BaseContext:
    # the test process's one fork server, started by conftest with HOSTILE_PRELOAD
    return mp.get_context("forkserver")


def _lay_out(case: Case, d: Path) -> dict[str, str]:
    for name, data in case.files.items():
        p = d / name
        p.parent.mkdir(parents=True, exist_ok=True)
        if data is None:
            p.mkdir()
        else:
            p.write_bytes(data)
    return _hashes(d)


def _hashes(d: Path) -> dict[str, str]:
    return {
        str(p.relative_to(d)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(d.rglob("*"))
        if p.is_file() and not p.relative_to(d).parts[0] == "out" and not p.name.startswith(".")
    }


CASES = build_cases()


def test_suite_is_large_enough() -> None:
    assert len(CASES) >= 150
    commands = {c.argv[0] for c in CASES}
    assert {"score", "survey", "report", "weights", "review", "batch", "reproduce",
            "templates"} <= commands  # fmt: skip


def _run(case: Case, ctx: mp.context.BaseContext, d: Path) -> tuple[int | None, str, str]:
    out, err = d / ".stdout", d / ".stderr"
    proc = ctx.Process(target=run_child, args=(case.argv, str(d), case.env, str(out),
                                               str(err)))  # fmt: skip
    proc.start()
    proc.join(TIME_LIMIT_S)
    if proc.is_alive():
        proc.kill()
        proc.join()
        pytest.fail(f"over the time limit of {TIME_LIMIT_S} s")
    return (proc.exitcode, out.read_text(encoding="utf-8", errors="replace"),
            err.read_text(encoding="utf-8", errors="replace"))  # fmt: skip


_BASELINES: dict[str, object] = {}


def _baseline_numbers(slot: str, ctx: mp.context.BaseContext, root: Path) -> object:
    if slot not in _BASELINES:
        case = baseline(slot)
        d = root / f"baseline-{slot}"
        d.mkdir()
        _lay_out(case, d)
        code, _, stderr = _run(case, ctx, d)
        assert code == 0, stderr
        _BASELINES[slot] = numbers(d / case.result_file)
    return _BASELINES[slot]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_hostile_input(
    case: Case, ctx: mp.context.BaseContext, tmp_path: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:  # fmt: skip
    before = _lay_out(case, tmp_path)
    code, stdout, stderr = _run(case, ctx, tmp_path)
    assert "Traceback" not in stderr + stdout, stderr[-3000:]
    assert code in (0, 1, 2), f"exit {code}: {stderr[-2000:]}"
    if case.expect == "ok":
        assert code in case.exit_ok, stderr[-2000:]
    elif case.expect == "error":
        assert code == 2, f"expected an EvalError, got exit {code}\n{stdout[-1500:]}"
    if code == 2:
        assert stderr.startswith("错误（"), stderr
        assert "文件" in stderr or "值" in stderr, stderr  # names where the problem is
    for word in case.must_say:
        assert word in stderr + stdout, f"{word!r} not in: {stderr[-1500:]}"
    if code == 0 and case.same_as and case.result_file:
        # a result must be the correct one: the numbers of the clean inputs
        root = tmp_path_factory.getbasetemp()
        assert numbers(tmp_path / case.result_file) == _baseline_numbers(case.same_as, ctx, root)
    assert _hashes(tmp_path) == before, "an input file was modified"
    escaped = Path("/tmp/evallib-escaped")
    assert not escaped.exists()
