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

__all__ = ["CJK_FAMILIES", "use_cjk_font", "weights_bar"]

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
