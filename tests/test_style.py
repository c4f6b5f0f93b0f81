"""Project conventions that can be checked mechanically."""

from __future__ import annotations

import ast
import json
import shutil
import subprocess

import pytest

from .conftest import ROOT


@pytest.mark.skipif(shutil.which("ruff") is None, reason="ruff is installed by the dev extra")
def test_ruff_clean() -> None:
    r = subprocess.run(["ruff", "check", "."], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout


def test_every_module_has_all() -> None:
    for path in sorted((ROOT / "evallib").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = {t.id for node in tree.body if isinstance(node, ast.Assign)
                 for t in node.targets if isinstance(t, ast.Name)}  # fmt: skip
        if path.name != "__main__.py":
            assert "__all__" in names, path


def test_notebooks_committed_without_outputs() -> None:
    for nb in (ROOT / "notebooks").rglob("*.ipynb"):
        cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
        assert not any(c.get("outputs") for c in cells if c["cell_type"] == "code"), nb


def test_no_print_in_library() -> None:
    """Only the command-line edge prints: ``cli.py`` and the command modules ``cli_*.py``."""
    for path in (ROOT / "evallib").rglob("*.py"):
        if path.name == "cli.py" or path.name.startswith("cli_"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)
                 and getattr(n.func, "id", None) == "print"]  # fmt: skip
        assert not calls, path
