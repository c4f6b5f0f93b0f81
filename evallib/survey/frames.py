"""One row per kept respondent: group columns beside the item answers, as the input of the
survey statistics (cross-tabulation, group comparisons, factor analysis, fuzzy membership)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .analysis import points_matrix
from .clean import CleaningResult, clean
from .importer import SurveyData

__all__ = ["respondent_frame"]


def respondent_frame(
    data: SurveyData, cleaning: CleaningResult | None = None, *, kind: str = "points"
) -> pd.DataFrame:
    """Kept respondents: the group columns (labels), then one column per item code.

    ``kind="points"``: item points (reverse items mirrored, NaN for 不了解/blank);
    ``kind="labels"``: the scale label each respondent chose (as answered, NaN when none).
    """
    cleaning = clean(data) if cleaning is None else cleaning
    keep = cleaning.keep
    codes = [it.code for it in data.spec.items]
    if kind == "points":
        items = pd.DataFrame(points_matrix(data.codes, data.spec).astype(float), columns=codes)
    elif kind == "labels":
        labels = np.array([None, *[lv.label for lv in data.spec.scale]], dtype=object)
        c = data.codes.astype(int)
        on = (c >= 1) & (c <= data.spec.k)
        cat = pd.CategoricalDtype([lv.label for lv in data.spec.scale], ordered=True)
        raw = np.where(on, labels[np.where(on, c, 0)], None)
        items = pd.DataFrame(
            {code: pd.Categorical(raw[:, j], dtype=cat) for j, code in enumerate(codes)}
        )
    else:
        raise ValueError(f"kind must be 'points' or 'labels', not {kind!r}")
    groups = data.groups.reset_index(drop=True).copy()
    for g in data.spec.groups:
        if g.name in groups.columns and g.labels:
            order = [g.labels[k] for k in sorted(g.labels)]
            seen = [v for v in groups[g.name].dropna().unique() if v not in order]
            groups[g.name] = pd.Categorical(groups[g.name], categories=order + sorted(seen))
    out = pd.concat([groups, items], axis=1).loc[keep].reset_index(drop=True)
    return out
