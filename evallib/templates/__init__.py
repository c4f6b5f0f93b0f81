"""Shipped indicator-system templates (RULES.md §7), loaded by name.

>>> sorted(names())
['department_overall', 'ex_ante', 'key_project', 'performance_goals', 'self_evaluation']
>>> load("self_evaluation").total
100.0
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from ..errors import ConfigError

__all__ = ["describe", "load", "names", "path"]


def names() -> list[str]:
    """Names of the shipped templates."""
    return sorted(
        p.name.removesuffix(".yaml")
        for p in resources.files(__name__).iterdir()
        if p.name.endswith(".yaml")
    )


def path(name: str) -> Path:
    """Path of a template's YAML file (copy it to edit)."""
    if name not in names():
        raise ConfigError(
            f"未知的指标体系模板 (template) {name!r}",
            value=name,
            fix=f"可选：{', '.join(names())}",
        )
    return Path(str(resources.files(__name__) / f"{name}.yaml"))


def load(name: str):  # type: ignore[no-untyped-def]
    """Load and validate a shipped template by name; returns an IndicatorSystem."""
    from ..fileio import read_yaml
    from ..indicators import system_from_dict

    p = path(name)
    return system_from_dict(read_yaml(p), source=f"template:{name}")


def describe(name: str) -> str:
    """One-line Chinese description (name and description fields)."""
    s = load(name)
    return f"{s.name}：{s.description or ''}"
