"""Traffic lights of in-year monitoring (绩效运行监控, 双监控), RULES.md §9.

Budget execution against time progress (the platform's formula):

.. math::

   t = \\frac{m}{12} \\times 100, \\qquad v = \\frac{r}{t} \\times 100

with :math:`m` the month monitored, :math:`r` the budget execution rate in percent (全年执行数 /
全年预算数 × 100, :func:`evallib.rules.budget_rate`) and the light red for :math:`v < 60`, yellow
for :math:`60 \\le v < 80`, green for :math:`v \\ge 80` (thresholds configurable).  :math:`v` is
rounded half-up to 2 decimals before it is compared, so a published 60.00 is yellow.

Goal completion against plan uses the same ratio: for a cumulative target (人次, 公里, 台 …)
:math:`v = c / p \\times 100` with completion :math:`c` = actual / target × 100 and planned
progress :math:`p` (the row's 计划进度, else :math:`t`); for a rate or level target (%, a
satisfaction score) :math:`v` = actual / target × 100, since a rate does not accumulate over the
year; for a ceiling (≤) the light is red once the actual exceeds it.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..rounding import round_half_up

__all__ = ["LIGHT_ZH", "Thresholds", "light", "progress_ratio", "time_progress"]

LIGHT_ZH = {"red": "红灯", "yellow": "黄灯", "green": "绿灯", "none": "无法量化"}


@dataclass(frozen=True)
class Thresholds:
    """Lower bounds of the yellow and green lights on the ratio v (RULES.md §9: 60 and 80)."""

    yellow: float = 60.0
    green: float = 80.0

    def __post_init__(self) -> None:
        from ..errors import ConfigError

        if not 0 < self.yellow < self.green:
            raise ConfigError(
                f"预警阈值有误：黄灯 {self.yellow:g}，绿灯 {self.green:g}",
                fix="应满足 0 < 黄灯下限 < 绿灯下限，如 60 与 80",
            )


def time_progress(month: int) -> float:
    """Time progress in percent at the end of ``month`` (1–12): month / 12 × 100, 2 decimals.

    >>> time_progress(6), time_progress(7)
    (50.0, 58.33)
    """
    from ..errors import ConfigError

    if not 1 <= int(month) <= 12:
        raise ConfigError(
            f"监控月份应为 1–12：{month}", value=month, fix="如 --month 6（截至 6 月底）"
        )
    return round_half_up(int(month) / 12 * 100, 2)


def progress_ratio(done: float, planned: float) -> float:
    """v = done / planned × 100, rounded half-up to 2 decimals.

    >>> progress_ratio(30, 50), progress_ratio(29.99, 50)
    (60.0, 59.98)
    """
    return round_half_up(done / planned * 100, 2)


def light(v: float | None, th: Thresholds = Thresholds()) -> str:
    """``red``, ``yellow`` or ``green`` for the ratio v; ``none`` when it cannot be computed.

    >>> [light(x) for x in (59.99, 60, 79.99, 80, None)]
    ['red', 'yellow', 'yellow', 'green', 'none']
    """
    if v is None:
        return "none"
    return "red" if v < th.yellow else "yellow" if v < th.green else "green"
