"""Numbers against numbers: lines over a shared x (optionally on a base-2 log axis) and
labelled points in 2-D. Lines differ by colour, point shape and dash, all named in the legend, so
colour never tells them apart alone. The shared pieces (Chart, FAST, labels) are in ui/charts.py.
"""

import numpy as np
import pyarrow as pa

from ui.charts import FAST, FIT_WIDTH, LABEL_FONT, Chart, label_column

# Each line also has its own point shape and dash: colour never tells the lines apart alone.
SHAPES = ["circle", "square", "triangle-up", "diamond", "cross", "triangle-down"]
DASHES = [[1, 0], [6, 3], [2, 2], [8, 3, 2, 3], [4, 4], [1, 3]]


def lines(
    x,
    series: dict[str, np.ndarray],
    *,
    x_title: str,
    y_title: str,
    series_title: str,
    log2_x: bool = False,
    description: str = "",
) -> Chart:
    """Several curves over the same x, each with its own colour (colour-blind-safe palette),
    point shape and dash, named in the legend below.

    log2_x puts x on a base-2 log axis with a tick at every x (e.g. d_k = 4 … 512).
    """
    x = np.asarray(x, dtype=float)
    names = list(series)
    y = np.concatenate([np.asarray(series[n], dtype=float) for n in names])  # (n_series·len(x),)
    data = pa.table(
        {
            "x": pa.array(np.tile(x, len(names)).astype(np.float32)),
            "y": pa.array(y.astype(np.float32)),
            "series": label_column(np.repeat(np.arange(len(names)), len(x)), names),
        }
    )
    x_enc = {"field": "x", "type": "quantitative", "title": x_title}
    if log2_x:
        x_enc["scale"] = {"type": "log", "base": 2}
        x_enc["axis"] = {"values": [float(v) for v in x], "format": "d"}
    legend = {"orient": "bottom", "direction": "vertical", "labelLimit": 360, "symbolSize": 120}

    def by_series(values: list) -> dict:
        return {
            "field": "series",
            "type": "nominal",
            "title": series_title,
            "sort": None,
            "scale": {"range": values},
            "legend": legend,
        }

    spec = {
        "description": description,
        "mark": {"type": "line", "point": {"size": 60, "filled": True}},
        "height": 220,  # the plot's own: the legend below comes on top of it
        **FIT_WIDTH,
        "encoding": {
            "x": x_enc,
            "y": {"field": "y", "type": "quantitative", "title": y_title},
            "color": {**by_series([]), "scale": {"scheme": "tableau10"}},
            "shape": by_series(SHAPES),
            "strokeDash": by_series(DASHES),
            "tooltip": [
                {"field": "series", "type": "nominal", "title": series_title},
                {"field": "x", "type": "quantitative", "title": x_title},
                {"field": "y", "type": "quantitative", "title": y_title, "format": ".4f"},
            ],
        },
    }
    return Chart({**spec, **FAST}, data)


def lines_log2(
    x,
    series: dict[str, np.ndarray],
    *,
    x_title: str,
    y_title: str,
    series_title: str,
    description: str = "",
) -> Chart:
    """`lines` with x on a base-2 log axis, ticks at the given x values."""
    return lines(
        x,
        series,
        x_title=x_title,
        y_title=y_title,
        series_title=series_title,
        log2_x=True,
        description=description,
    )


def scatter(
    points: np.ndarray, labels: list[str], *, x_title: str, y_title: str, description: str = ""
) -> Chart:
    """Labelled points in 2-D (e.g. a PCA projection of token vectors)."""
    data = pa.table(
        {
            "x": pa.array(points[:, 0].astype(np.float32)),
            "y": pa.array(points[:, 1].astype(np.float32)),
            "label": pa.array([str(label) for label in labels], pa.string()),
        }
    )
    encoding = {
        "x": {"field": "x", "type": "quantitative", "title": x_title},
        "y": {"field": "y", "type": "quantitative", "title": y_title},
        "tooltip": [
            {"field": "label", "type": "nominal"},
            {"field": "x", "type": "quantitative", "format": ".3f"},
            {"field": "y", "type": "quantitative", "format": ".3f"},
        ],
    }
    spec = {
        "description": description,
        "height": 320,
        "encoding": encoding,
        "layer": [
            {"mark": {"type": "circle", "size": 90}},
            {
                "mark": {"type": "text", "dx": 8, "align": "left", "fontSize": LABEL_FONT},
                "encoding": {"text": {"field": "label", "type": "nominal"}},
            },
        ],
    }
    return Chart({**spec, **FAST}, data)
