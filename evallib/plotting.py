"""Charts with Chinese text: a CJK font for matplotlib, and the charts evallib's chapters use.

matplotlib's default fonts have no Chinese glyphs (every character becomes a "tofu" box with a
"Glyph … missing from font(s)" warning).  :func:`use_cjk_font` selects the Simplified Chinese
face explicitly — Noto Sans CJK **SC** from Debian's ``fonts-noto-cjk`` (see ``apt.txt``) — and
not the collection's first face, which is the Japanese one with different glyph forms for
characters such as 直骨户门.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import ConfigError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "CJK_FAMILIES",
    "group_satisfaction",
    "ipa_chart",
    "item_distribution",
    "level_scores_bar",
    "lost_points_bar",
    "membership_bar",
    "portfolio_chart",
    "ranking_bar",
    "review_difference_hist",
    "review_flags_bar",
    "scree_plot",
    "use_cjk_font",
    "weights_bar",
]

#: Preferred Simplified Chinese families, best first.
CJK_FAMILIES = [
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Noto Serif CJK SC",
    "WenQuanYi Zen Hei",
    "SimHei",
    "Microsoft YaHei",
]


def use_cjk_font() -> str:
    """Configure matplotlib to draw Chinese; returns the family used.

    Raises
    ------
    ConfigError
        No Simplified Chinese font installed.
    """
    import matplotlib as mpl
    from matplotlib import font_manager

    names = {f.name for f in font_manager.fontManager.ttflist}
    if not names & set(CJK_FAMILIES):
        # Fonts installed after matplotlib built its cache are not listed yet: add them.
        for path in font_manager.findSystemFonts():
            if "CJK" in path or "wqy" in path.lower():
                font_manager.fontManager.addfont(path)
        names = {f.name for f in font_manager.fontManager.ttflist}
    for family in CJK_FAMILIES:
        if family in names:
            mpl.rcParams["font.family"] = "sans-serif"
            rest = [f for f in mpl.rcParams["font.sans-serif"] if f != family]
            mpl.rcParams["font.sans-serif"] = [family, *rest]
            mpl.rcParams["axes.unicode_minus"] = False  # the CJK fonts lack U+2212
            return family
    raise ConfigError(
        "找不到简体中文字体 (CJK font)，图表中的中文将无法显示",
        fix="安装 Debian 软件包 fonts-noto-cjk（见 apt.txt），然后删除 matplotlib 字体缓存",
    )


def weights_bar(table: Any, *, title: str = "指标权重", top: int | None = None) -> Figure:
    """Horizontal bar chart of global weights from ``WorkbookWeights.weights_table()`` (leaves
    only), largest first, labelled in Chinese."""
    from matplotlib.figure import Figure

    use_cjk_font()
    t = table
    if "层级" in t.columns:
        deepest = t["层级"].max()
        t = t[t["层级"] == deepest]
    t = t.sort_values("全局权重", ascending=True)
    if top:
        t = t.tail(top)
    # A bare Figure (not pyplot): no global state, safe in batch workers; Jupyter displays it.
    fig = Figure(figsize=(7, max(2.5, 0.32 * len(t) + 1)), dpi=120)
    ax = fig.subplots()
    ax.barh(t["指标"], t["全局权重"], color="#4472C4")
    for y, (w, p) in enumerate(zip(t["全局权重"], t["分值"], strict=True)):
        ax.text(w, y, f" {w:.3f}（{p:g}分）", va="center", fontsize=8)
    ax.set_xlabel("全局权重")
    ax.set_title(title)
    ax.set_xlim(0, float(t["全局权重"].max()) * 1.3)
    fig.tight_layout()
    return fig


def _figure(width: float, height: float) -> Figure:
    from matplotlib.figure import Figure

    use_cjk_font()
    return Figure(figsize=(width, height), dpi=120)


def item_distribution(result: Any, title: str = "各题目满意度分布") -> Figure:
    """Stacked bars: share of each answer level among valid answers, per satisfaction item."""
    spec = result.spec
    t = result.items[result.items["importance_of"] == ""]
    labels = [lv.label for lv in spec.scale]
    counts = t[[f"n_{lab}" for lab in labels]].to_numpy(dtype=float)
    shares = counts / counts.sum(axis=1, keepdims=True)
    fig = _figure(7.5, max(3.0, 0.36 * len(t) + 1.4))
    _stacked_shares(fig, t["label"].tolist(), shares, labels, "占有效回答的比例", title, -0.12)
    return fig


def _stacked_shares(fig: Figure, names: list[str], shares: Any, levels: list[str], xlabel: str,
                    title: str, legend_y: float) -> None:  # fmt: skip
    """Horizontal 100 % bars, one per name, one colour per level (best level green)."""
    ax = fig.subplots()
    colors = ["#1a9850", "#91cf60", "#fee08b", "#fc8d59", "#d73027", "#999999", "#777777"]
    left = [0.0] * len(names)
    for j, lab in enumerate(levels):
        ax.barh(names, shares[:, j], left=left, color=colors[j % len(colors)], label=lab)
        left = [a + b for a, b in zip(left, shares[:, j], strict=True)]
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(_percent())
    ax.set_xlabel(xlabel)
    ax.set_title(title)
    ax.legend(ncol=len(levels), loc="upper center", bbox_to_anchor=(0.5, legend_y), fontsize=8,
              frameon=False)  # fmt: skip
    fig.tight_layout()


def _percent() -> Any:
    """Axis ticks of a 0–1 rate as percentages (0%, 20%, …)."""
    from matplotlib.ticker import PercentFormatter

    return PercentFormatter(xmax=1, decimals=0)


def group_satisfaction(result: Any, group: str) -> Figure:
    """Satisfaction rate per level of a group variable, with 95 % intervals."""
    t = result.groups[group].sort_values("rate")
    fig = _figure(6.5, max(2.5, 0.4 * len(t) + 1.2))
    ax = fig.subplots()
    err = [t["rate"] - t["rate_low"], t["rate_high"] - t["rate"]]
    ax.barh(t["level"], t["rate"], xerr=err, color="#4472C4", capsize=3)
    for y, (r, n) in enumerate(zip(t["rate"], t["n"], strict=True)):
        ax.text(0.01, y, f"{r:.1%}（n={n}）", va="center", color="white", fontsize=8)
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(_percent())
    ax.set_xlabel("满意率（95% 区间）")
    ax.set_title(f"按{group}的满意率")
    fig.tight_layout()
    return fig


def ipa_chart(result: Any) -> Figure:
    """Importance–performance quadrant chart (axes cross at the means)."""
    t = result.ipa
    fig = _figure(6.5, 5.0)
    ax = fig.subplots()
    ax.scatter(t["importance"], t["performance"], color="#C00000")
    for _, r in t.iterrows():
        ax.annotate(r["label"], (r["importance"], r["performance"]), fontsize=8,
                    xytext=(4, 3), textcoords="offset points")  # fmt: skip
    mi, mp = t["importance"].mean(), t["performance"].mean()
    ax.axvline(mi, color="grey", lw=0.8, ls="--")
    ax.axhline(mp, color="grey", lw=0.8, ls="--")
    ax.set_xlabel("重要性得分")
    ax.set_ylabel("满意度得分")
    ax.set_title("重要性—满意度分析（IPA）")
    xs, ys = ax.get_xlim(), ax.get_ylim()
    for x, y, text in ((xs[1], ys[1], "继续保持"), (xs[1], ys[0], "重点改进"),
                       (xs[0], ys[1], "过度投入"), (xs[0], ys[0], "次要改进")):  # fmt: skip
        ax.text(x, y, text, ha="right" if x == xs[1] else "left",
                va="top" if y == ys[1] else "bottom", color="grey", fontsize=9)  # fmt: skip
    fig.tight_layout()
    return fig


def level_scores_bar(result: Any, title: str = "各一级指标得分与分值") -> Figure:
    """Grouped bars: 分值 and 得分 per level-1 indicator."""
    lv = result.level_scores(1)
    fig = _figure(6.5, 3.6)
    ax = fig.subplots()
    x = range(len(lv))
    ax.bar([i - 0.2 for i in x], lv["points"], width=0.4, color="#BFBFBF", label="分值")
    ax.bar([i + 0.2 for i in x], lv["score"], width=0.4, color="#4472C4", label="得分")
    for i, (p, s) in enumerate(zip(lv["points"], lv["score"], strict=True)):
        ax.text(i + 0.2, s, f"{s:.2f}", ha="center", va="bottom", fontsize=8)
        ax.text(i - 0.2, p, f"{p:g}", ha="center", va="bottom", fontsize=8, color="#555555")
    ax.set_xticks(list(x), lv["name"].tolist())
    ax.set_ylabel("分")
    ax.set_title(title)
    ax.legend(frameon=False)
    ax.set_ylim(0, float(lv["points"].max()) * 1.18)
    fig.tight_layout()
    return fig


def lost_points_bar(result: Any, top: int = 10, title: str = "主要扣分指标") -> Figure:
    """Horizontal bars of the indicators that lost the most points."""
    t = result.indicators[result.indicators["lost"] > 0].nlargest(top, "lost")
    t = t.sort_values("lost")
    fig = _figure(6.5, max(2.2, 0.38 * len(t) + 1.0))
    ax = fig.subplots()
    ax.barh(t["name"], t["lost"], color="#C55A11")
    for y, v in enumerate(t["lost"]):
        ax.text(v, y, f" {v:.2f}", va="center", fontsize=8)
    ax.set_xlabel("扣分")
    ax.set_title(title)
    ax.set_xlim(0, float(t["lost"].max()) * 1.25 if len(t) else 1)
    fig.tight_layout()
    return fig


def review_flags_bar(result: Any, title: str = "复核发现的问题（按类型）") -> Figure:
    """Counts of flags by code, errors and warnings in two colours (Chinese labels)."""
    c = result.counts_by_code().sort_values("count")
    fig = _figure(7.0, max(2.5, 0.32 * len(c) + 1.0))
    ax = fig.subplots()
    colors = ["#C00000" if s == "error" else "#F4B183" for s in c["severity"]]
    ax.barh(c["说明"], c["count"], color=colors)
    for y, v in enumerate(c["count"]):
        ax.text(v, y, f" {v}", va="center", fontsize=8)
    ax.set_xlabel("出现次数（深色为错误，浅色为提示）")
    ax.set_title(title)
    fig.tight_layout()
    return fig


def review_difference_hist(result: Any, title: str = "自评总分与复核总分之差") -> Figure:
    """Histogram of recomputed − published totals."""
    d = result.summary["difference"].dropna()
    fig = _figure(6.0, 3.2)
    ax = fig.subplots()
    ax.hist(d, bins=30, color="#4472C4")
    ax.set_xlabel("复核总分 − 自评总分（分）")
    ax.set_ylabel("项目数")
    ax.set_title(title)
    fig.tight_layout()
    return fig


def portfolio_chart(combined: Any, title: str = "各项目得分比较") -> Figure:
    """Stacked bars of level-1 scores per project, the total written above each bar."""
    levels = [c for c in combined.columns if c not in ("项目", "总分", "等级")]
    fig = _figure(max(6.0, 0.55 * len(combined) + 2.5), 4.2)
    ax = fig.subplots()
    bottom = [0.0] * len(combined)
    colors = ["#4472C4", "#ED7D31", "#A5A5A5", "#FFC000", "#5B9BD5", "#70AD47", "#264478"]
    for k, lv in enumerate(levels):
        vals = combined[lv].fillna(0).tolist()
        ax.bar(combined["项目"], vals, bottom=bottom, label=lv, color=colors[k % len(colors)])
        bottom = [a + b for a, b in zip(bottom, vals, strict=True)]
    for x, (t, g) in enumerate(zip(combined["总分"], combined["等级"], strict=True)):
        ax.text(x, t + 1, f"{t:.1f}\n{g}", ha="center", va="bottom", fontsize=8)
    ax.set_ylim(0, 118)
    ax.set_ylabel("得分")
    ax.set_title(title)
    ax.legend(fontsize=8, ncol=min(len(levels), 4), loc="upper center",
              bbox_to_anchor=(0.5, -0.12), frameon=False)  # fmt: skip
    ax.tick_params(axis="x", labelrotation=45)
    fig.tight_layout()
    return fig


def ranking_bar(values: Any, *, title: str, xlabel: str, decimals: int = 4) -> Figure:
    """Horizontal bars of one score per object (TOPSIS closeness, grey grade, RSR), best on
    top, each labelled with its value."""
    import pandas as pd

    v = pd.Series(values).astype(float).sort_values()
    fig = _figure(6.5, max(2.5, 0.38 * len(v) + 1.2))
    ax = fig.subplots()
    ax.barh([str(i) for i in v.index], v.to_numpy(), color="#4472C4")
    for y, x in enumerate(v.to_numpy()):
        ax.text(x, y, f" {x:.{decimals}f}", va="center", fontsize=8)
    ax.set_xlim(0, float(v.max()) * 1.18 if v.max() > 0 else 1)
    ax.set_xlabel(xlabel)
    ax.set_title(title)
    fig.tight_layout()
    return fig


def membership_bar(result: Any, title: str = "模糊综合评价隶属度") -> Figure:
    """Stacked bars of the normalised membership B' of each group and of the whole."""
    import numpy as np

    rows = [*result.children.items(), ("综合", result)]
    levels = list(result.b_normalized.index)
    fig = _figure(7.5, max(2.5, 0.45 * len(rows) + 1.4))
    shares = np.array([r.b_normalized.to_numpy(dtype=float) for _, r in rows])
    _stacked_shares(fig, [name for name, _ in rows], shares, levels, "隶属度", title, -0.18)
    return fig


def scree_plot(eigenvalues: Any, title: str = "碎石图") -> Figure:
    """Eigenvalues of the item correlation matrix with Kaiser's line at 1."""
    import numpy as np

    ev = np.asarray(eigenvalues, dtype=float)
    fig = _figure(6.0, 3.4)
    ax = fig.subplots()
    x = np.arange(1, len(ev) + 1)
    ax.plot(x, ev, marker="o", color="#4472C4")
    ax.axhline(1.0, color="#C00000", linestyle="--", linewidth=1, label="特征根 = 1")
    ax.set_xticks(x)
    ax.set_xlabel("成分序号")
    ax.set_ylabel("特征根")
    ax.set_title(title)
    ax.legend(frameon=False)
    fig.tight_layout()
    return fig


def history_chart(by_year: Any, title: str = "指标历年实际完成值") -> Figure:
    """Median actual value per year (line) with the min–max range (band), one line per unit;
    ``by_year`` is :attr:`evallib.library.store.History.by_year`."""
    fig = _figure(6.5, 3.8)
    ax = fig.subplots()
    for unit, g in by_year.groupby("单位", sort=True):
        g = g.sort_values("年度")
        years = g["年度"].astype(int).astype(str).tolist()
        shown = unit or "无单位"
        ax.fill_between(years, g["最小值"], g["最大值"], alpha=0.2, label=f"最小–最大（{shown}）")
        ax.plot(years, g["中位数"], marker="o", label=f"中位数（{shown}）")
        for x, (y, n) in enumerate(zip(g["中位数"], g["项目数"], strict=True)):
            ax.annotate(f"{y:g}{unit}（{n}个项目）", (x, y), textcoords="offset points",
                        xytext=(0, 6), ha="center", fontsize=8)  # fmt: skip
    ax.set_xlabel("年度")
    ax.set_ylabel("实际完成值")
    ax.set_title(title)
    ax.legend(fontsize=8, frameon=False)
    fig.tight_layout()
    return fig
