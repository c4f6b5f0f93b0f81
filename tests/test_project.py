"""Loading a project file: the hand-off of a checked project to a child forked from the
process that checked it (``evallib report`` checks before its warm-up, the child does not check
again) — used only while every file the project reads is unchanged."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from evallib.errors import InputDataError
from evallib.project import hand_off, load_project

DEMO = Path(__file__).resolve().parents[1] / "survey_data" / "demo"


def test_hand_off_is_used_once_and_only_for_unchanged_files(tmp_path: Path) -> None:
    shutil.copytree(DEMO, tmp_path / "demo")
    path = tmp_path / "demo" / "project.yaml"
    checked = load_project(path)
    hand_off(checked)
    assert load_project(path) is checked  # the child's load: no second check
    assert load_project(path) is not checked  # once only
    hand_off(checked)
    ev = tmp_path / "demo" / "evidence.yaml"
    ev.write_text(ev.read_text(encoding="utf-8") + "\n# 修改\n", encoding="utf-8")
    again = load_project(path)
    assert again is not checked and again.path == str(path)  # a changed file: checked afresh
    hand_off(again)
    assert load_project(path, check=False) is not again  # check=False never takes it
    (tmp_path / "demo" / "问卷星_按选项文本.xlsx").write_bytes(b"changed")
    with pytest.raises(InputDataError, match="不是 Excel"):  # changed: checked afresh
        load_project(path)


def test_prepare_reads_the_survey_export_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The demo's 满意度 indicator and its survey chapter use the same export: it is read once
    (by the evidence), and the chapter's figures equal a fresh read's."""
    import evallib.survey as survey
    from evallib.report import prepare

    calls: list[str] = []
    real = survey.read_survey

    def counting(path, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(str(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(survey, "read_survey", counting)
    ctx = prepare(DEMO / "project.yaml", seed=3)
    assert len(calls) == 1 and calls[0].endswith("问卷星_按选项文本.xlsx")
    fresh = survey.analyze(real(DEMO / "问卷星_按选项文本.xlsx",
                                survey.load_spec(DEMO / "spec.yaml")), seed=3)  # fmt: skip
    assert ctx.survey.to_dict() == fresh.to_dict()


def test_hand_off_of_a_relative_path_works_from_another_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``evallib report survey_data/demo/project.yaml`` checks a relative path; the notebook
    runs in another directory and gets the project with its absolute path (this broke the
    README's demo run once)."""
    shutil.copytree(DEMO, tmp_path / "demo")
    monkeypatch.chdir(tmp_path)
    checked = load_project("demo/project.yaml")
    hand_off(checked)
    monkeypatch.chdir(tmp_path / "demo")
    got = load_project(tmp_path / "demo" / "project.yaml")
    assert got.path == str(tmp_path / "demo" / "project.yaml")
    assert got.checked("evidence") is checked.checked("evidence")  # nothing loaded again
    assert got.input_files() == load_project(tmp_path / "demo" / "project.yaml").input_files()
