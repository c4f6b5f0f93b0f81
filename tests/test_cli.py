"""The ``evallib`` console script, run as a user runs it (subprocess)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from .conftest import DEMO_EVIDENCE, ROOT


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "evallib.cli", *args],
        capture_output=True, text=True, cwd=cwd, check=False,
    )  # fmt: skip


def test_score_key_project_demo(tmp_path: Path) -> None:
    """The README's main command (issue 2 acceptance)."""
    r = run("score", "key_project", str(DEMO_EVIDENCE), "--out", str(tmp_path))
    assert r.returncode == 0, r.stderr
    assert "总分：89.12 / 100" in r.stdout and "评价等级：良" in r.stdout
    assert "扣分原因" in r.stdout
    data = json.loads((tmp_path / "result.json").read_text(encoding="utf-8"))
    assert data["total"] == 89.12 and data["grade"] == "良"
    assert data["provenance"]["inputs"]["evidence.yaml"]  # SHA-256 of the input
    assert data["provenance"]["versions"]["evallib"]
    assert (tmp_path / "评分表.xlsx").stat().st_size > 5000
    # A second run gives byte-identical JSON.
    again = tmp_path / "again"
    assert run("score", "key_project", str(DEMO_EVIDENCE), "--out", str(again)).returncode == 0
    assert (again / "result.json").read_bytes() == (tmp_path / "result.json").read_bytes()


def test_profile_changes_result(tmp_path: Path) -> None:
    r = run("score", "key_project", str(DEMO_EVIDENCE), "--profile", "platform",
            "--out", str(tmp_path))  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert json.loads((tmp_path / "result.json").read_text())["profile"]["name"] == "platform"


def test_templates_commands(tmp_path: Path) -> None:
    r = run("templates", "list")
    assert r.returncode == 0
    for name in ("key_project", "self_evaluation", "department_overall", "ex_ante",
                 "performance_goals"):  # fmt: skip
        assert name in r.stdout
    assert "决策" in run("templates", "show", "key_project").stdout
    dest = tmp_path / "我的体系.yaml"
    assert run("templates", "copy", "ex_ante", str(dest)).returncode == 0
    assert dest.read_text(encoding="utf-8").startswith("# 事前绩效评估")
    assert run("templates", "copy", "ex_ante", str(dest)).returncode == 2  # never overwrites


def test_user_error_is_short_and_chinese(tmp_path: Path) -> None:
    r = run("score", "key_project", str(tmp_path / "无此文件.yaml"))
    assert r.returncode == 2
    assert "错误" in r.stderr and "无此文件.yaml" in r.stderr and "Traceback" not in r.stderr
