"""Shared helpers: test-data paths and one-indicator systems for rule tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

from evallib import Evidence, evaluate
from evallib.indicators import system_from_dict

# No per-example deadline: the first example of a test may load templates or pandas (cold
# caches); speed is measured by benchmarks, not unit tests.
settings.register_profile(
    "evallib", deadline=None, max_examples=60, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("evallib")

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
DEMO_EVIDENCE = ROOT / "survey_data" / "demo" / "evidence.yaml"


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
