"""Every head's attention weights as small multiples: one panel per head, rows of `columns`
panels, one fixed 0–1 scale for all (ui.matrices.head_grid draws a picture instead past
MAX_GRID_CELLS cells)."""

import numpy as np
import pyarrow as pa

from ui.charts import COLUMN_LIMIT, FAST, LABEL_LIMIT, WEIGHTS_SCHEME, Chart, label_column, nominal

# A head grid with more cells is drawn as one picture instead (see ui.matrices.head_grid).
MAX_GRID_CELLS = 2048


def head_grid(
    weights: np.ndarray,
    labels: list[str],
    heads: list[str],
    *,
    row_title: str,
    col_title: str,
    value_title: str,
    head_title: str,
    columns: int = 4,
    description: str = "",
) -> Chart:
    """Every head's attention weights as small multiples, rows of `columns`, one fixed 0–1 scale.

    weights: (n_heads, seq_q, seq_k); labels: the token labels; heads: one title per head.
    """
    n_heads, n_rows, n_cols = weights.shape
    row_codes = np.repeat(np.arange(n_heads * n_rows), n_cols)  # (n_heads·seq_q·seq_k,)
    data = pa.table(
        {
            "row": label_column(row_codes % n_rows, labels),
            "col": label_column(np.tile(np.arange(n_cols), n_heads * n_rows), labels),
            "value": pa.array(np.round(weights, 4).astype(np.float32).ravel()),
            "head": label_column(row_codes // n_rows, heads),
        }
    )
    cell = min(20, max(4, 180 // max(n_rows, n_cols)))  # pixels per cell: 4 panels fit a laptop
    font = min(10, max(6, cell - 1))
    token = {"labelOverlap": False, "labelFontSize": font}
    spec = {
        "description": description,
        "mark": {"type": "rect"},
        "width": cell * n_cols,
        "height": cell * n_rows,
        "encoding": {
            "x": nominal("col", col_title, **token, labelAngle=-90, labelLimit=COLUMN_LIMIT),
            "y": nominal("row", row_title, **token, labelLimit=LABEL_LIMIT),
            "color": {
                "field": "value",
                "type": "quantitative",
                "title": value_title,
                "scale": {"scheme": WEIGHTS_SCHEME, "domain": [0, 1]},
                "legend": {"orient": "top"},
            },
            "facet": {
                "field": "head",
                "type": "nominal",
                "sort": None,
                "title": None,
                "columns": columns,
            },
            "tooltip": [
                {"field": "head", "type": "nominal", "title": head_title},
                {"field": "row", "type": "nominal", "title": row_title},
                {"field": "col", "type": "nominal", "title": col_title},
                {"field": "value", "type": "quantitative", "title": value_title, "format": ".4f"},
            ],
        },
        "resolve": {"scale": {"color": "shared"}},
        # SVG, not canvas: on a screen narrower than the grid the page shrinks the drawing to
        # the column (ui/pictures.STYLE) and hovering still finds the right cell.
        "usermeta": {"embedOptions": {"renderer": "svg"}},
        "config": FAST["config"],
    }
    return Chart(spec, data)
