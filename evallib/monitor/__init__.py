"""In-year monitoring (绩效运行监控, 双监控): budget execution against time progress and goal
completion against plan, with traffic lights (RULES.md §9), the projects to correct and a
monitoring report.  See ``docs/monitor.md``.
"""

from __future__ import annotations

from .lights import LIGHT_ZH, Thresholds, light, progress_ratio, time_progress
from .run import MonitorResult, monitor, read_monitor_table, write_outputs

__all__ = [
    "LIGHT_ZH",
    "MonitorResult",
    "Thresholds",
    "light",
    "monitor",
    "progress_ratio",
    "read_monitor_table",
    "time_progress",
    "write_outputs",
]
