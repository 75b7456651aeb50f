"""Bars: one number per label, the labels down the page in the given order, each bar with its
number written at its end (a phone shows no hover box). Signed bars are orange above 0 and blue
below, as the heatmaps; weights lie on a fixed 0–1 axis. The shared pieces (Chart, token axes,
colours) are in ui/charts.py.
"""

import numpy as np
import pyarrow as pa

from ui.charts import (
    CELL,
    FAST,
    FIT_WIDTH,
    LABEL_FONT,
    NEGATIVE_COLOR,
    POSITIVE_COLOR,
    Chart,
    label_column,
    token_axis,
)


def bars(
    values: np.ndarray,
    labels: list[str],
    *,
    label_title: str,
    value_title: str,
    kind: str = "signed",
    description: str = "",
) -> Chart:
    """One bar per label, down the page in the given order, each with its number written at its
    end (a phone shows no hover box); weights on a fixed 0–1 axis. Lying bars keep every token
    label upright and readable, Hangul included, however narrow the screen."""
    unique = {label: i for i, label in enumerate(dict.fromkeys(labels))}
    data = pa.table(
        {
            "label": label_column(np.array([unique[label] for label in labels]), list(unique)),
            "value": pa.array(np.round(values, 4).astype(np.float32)),
        }
    )
    x = {"field": "value", "type": "quantitative", "title": value_title}
    if kind == "weights":
        x["scale"] = {"domain": [0, 1]}
    negative = "datum.value < 0"
    spec = {
        "description": description,
        "height": CELL * len(unique),
        **FIT_WIDTH,
        "encoding": {
            "y": token_axis("label", label_title),
            "x": x,
            "tooltip": [
                {"field": "label", "type": "nominal", "title": label_title},
                {"field": "value", "type": "quantitative", "title": value_title, "format": ".4f"},
            ],
        },
        "layer": [
            {
                "mark": {"type": "bar"},
                "encoding": {
                    "color": {
                        "condition": {"test": "datum.value >= 0", "value": POSITIVE_COLOR},
                        "value": NEGATIVE_COLOR,
                    }
                },
            },
            {
                "mark": {
                    "type": "text",
                    "fontSize": LABEL_FONT,
                    "align": {"expr": f"{negative} ? 'right' : 'left'"},
                    "dx": {"expr": f"{negative} ? -3 : 3"},
                },
                "encoding": {"text": {"field": "value", "type": "quantitative", "format": ".2f"}},
            },
        ],
    }
    return Chart({**spec, **FAST}, data)


def paired_bars(
    series: dict[str, np.ndarray],
    labels: list[str],
    *,
    label_title: str,
    value_title: str,
    series_title: str,
    description: str = "",
) -> Chart:
    """Two weights per label side by side (e.g. softmax with and without ÷ √d_k), each with
    its number: the first series filled, the second only outlined, so they differ without
    colour too; both named in the legend. Weights on a fixed 0–1 axis."""
    names = list(series)
    n = len(labels)
    values = np.concatenate([np.asarray(series[name], dtype=float) for name in names])
    data = pa.table(
        {
            "label": label_column(np.tile(np.arange(n), len(names)), labels),
            "series": label_column(np.repeat(np.arange(len(names)), n), names),
            "value": pa.array(np.round(values, 4).astype(np.float32)),
        }
    )
    by_series = {"field": "series", "type": "nominal", "sort": None, "title": series_title}
    legend = {"orient": "top", "direction": "vertical", "labelLimit": 360}
    spec = {
        "description": description,
        "height": (CELL + 10) * n,  # a band per label, its bars a little thinner than a row
        **FIT_WIDTH,
        "encoding": {
            "y": token_axis("label", label_title),
            "yOffset": by_series,
            "x": {
                "field": "value",
                "type": "quantitative",
                "title": value_title,
                "scale": {"domain": [0, 1]},
            },
            "tooltip": [
                {"field": "label", "type": "nominal", "title": label_title},
                {"field": "series", "type": "nominal", "title": series_title},
                {"field": "value", "type": "quantitative", "title": value_title, "format": ".4f"},
            ],
        },
        "layer": [
            {
                "mark": {"type": "bar", "stroke": POSITIVE_COLOR, "strokeWidth": 1.5},
                "encoding": {
                    "fill": {
                        **by_series,
                        "scale": {"range": [POSITIVE_COLOR, "#ffffff"]},
                        "legend": legend,
                    }
                },
            },
            {
                "mark": {"type": "text", "align": "left", "dx": 3, "fontSize": LABEL_FONT},
                "encoding": {"text": {"field": "value", "type": "quantitative", "format": ".2f"}},
            },
        ],
    }
    return Chart({**spec, **FAST}, data)
