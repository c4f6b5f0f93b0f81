"""Import-time savings in evallib's own processes (issue 17) stay invisible to users: a module
kept unavailable while papermill is imported can be imported again afterwards."""

from __future__ import annotations

import subprocess
import sys

import pytest

from evallib.imports import unavailable


def test_unavailable_only_within_the_block(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    name = "evallib_probe_module"
    (tmp_path / f"{name}.py").write_text("VALUE = 1\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    with unavailable((name,)), pytest.raises(ImportError):
        __import__(name)
    assert __import__(name).VALUE == 1
    del sys.modules[name]


def test_warm_preload_leaves_cloud_clients_importable() -> None:
    """The warm process imports papermill without its S3 handler (boto3: 0.23 s) and without
    scipy.stats or nbconvert; boto3 stays importable for a notebook that wants it."""
    code = (
        "import sys, importlib.util\n"
        "import evallib.report.preload\n"
        "import papermill.iorw as io\n"
        "print('boto3' in sys.modules, 'scipy.stats' in sys.modules, 'nbconvert' in sys.modules,"
        " io.S3.__name__, importlib.util.find_spec('boto3') is not None or 'no-boto3')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()  # fmt: skip
    assert out[:4] == ["False", "False", "False", "missing_dep"], out
    assert out[4] in ("True", "no-boto3")
