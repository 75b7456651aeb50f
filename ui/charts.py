"""Chart builders: pure functions (arrays, tokens) -> alt.Chart, testable with .to_dict().

Attention weights use a fixed 0–1 sequential scale (viridis); signed values a diverging scale
centred on 0 (blue–orange). Both are safe for colour-blind readers. Token axes are labelled
"i·token" and kept in sentence order, so a repeated word keeps its own row.
"""

import json

import altair as alt
import numpy as np
import pandas as pd

WEIGHTS_SCHEME = "viridis"
SIGNED_SCHEME = "blueorange"
MASKED_COLOR = "#d9d9d9"
CELL = 20  # pixels per heatmap row
AXIS_ROOM = 110  # pixels for the rotated column labels and the axis titles


def token_labels(tokens) -> list[str]:
    """Unique, ordered axis labels: '0·The', '1·cat', ... ."""
    return [f"{i}·{token}" for i, token in enumerate(tokens)]


def _axis_frame(values: np.ndarray, rows: list[str], cols: list[str]) -> pd.DataFrame:
    """Long form, compact: one row per cell; labels as categories, values as float32."""
    n_rows, n_cols = values.shape
    return pd.DataFrame({
        "row": pd.Categorical(np.repeat(rows, n_cols), categories=rows),
        "col": pd.Categorical(np.tile(cols, n_rows), categories=cols),
        "value": np.round(values.astype(np.float32).ravel(), 4),
    })


def heatmap(values: np.ndarray, rows: list[str], cols: list[str], *, kind: str,
            row_title: str, col_title: str, value_title: str, select: str | None = None,
            masked_label: str = "masked (−∞)") -> alt.Chart:
    """A matrix as coloured cells with hover values.

    kind: "weights" (fixed 0–1 scale), "signed" (diverging, centred on 0) or "positive".
    Masked entries (-inf) are drawn grey and read `masked_label` on hover, never as a number.
    """
    masked = np.isneginf(values)
    data = _axis_frame(np.where(masked, 0.0, values), rows, cols)
    if kind == "weights":
        scale = alt.Scale(scheme=WEIGHTS_SCHEME, domain=[0, 1])
    elif kind == "signed":
        finite = values[np.isfinite(values)]
        m = float(np.abs(finite).max()) if finite.size else 1.0
        scale = alt.Scale(scheme=SIGNED_SCHEME, domain=[-m, m], domainMid=0)
    else:
        scale = alt.Scale(scheme=WEIGHTS_SCHEME)
    color = alt.Color("value:Q", scale=scale, title=value_title)
    shown = "format(datum.value, '.4f')"
    if masked.any():
        data["masked"] = masked.ravel()
        color = alt.condition("datum.masked", alt.value(MASKED_COLOR), color)
        shown = f"datum.masked ? {json.dumps(masked_label)} : {shown}"
    chart = alt.Chart(data).transform_calculate(shown=shown).mark_rect().encode(
        x=alt.X("col:N", sort=list(cols), title=col_title, axis=alt.Axis(labelAngle=-45)),
        y=alt.Y("row:N", sort=list(rows), title=row_title),
        color=color,
        tooltip=[alt.Tooltip("row:N", title=row_title), alt.Tooltip("col:N", title=col_title),
                 alt.Tooltip("shown:N", title=value_title)],
    )
    if select:
        chart = chart.add_params(
            alt.selection_point(name=select, fields=["row"], on="click", clear=False))
    # Streamlit fits the chart to a fixed height (a Step size is ignored): rows + room for axes.
    return chart.properties(height=CELL * len(rows) + AXIS_ROOM)


def bars(values: np.ndarray, labels: list[str], *, label_title: str, value_title: str,
         kind: str = "signed") -> alt.Chart:
    """One bar per label, in the given order; weights on a fixed 0–1 axis."""
    data = pd.DataFrame({"label": labels, "value": np.round(values.astype(np.float32), 4)})
    domain = [0, 1] if kind == "weights" else None
    y = alt.Y("value:Q", title=value_title,
              scale=alt.Scale(domain=domain) if domain else alt.Undefined)
    return alt.Chart(data).mark_bar().encode(
        x=alt.X("label:N", sort=list(labels), title=label_title, axis=alt.Axis(labelAngle=-45)),
        y=y,
        color=alt.condition("datum.value >= 0", alt.value("#3b75af"), alt.value("#ef8636")),
        tooltip=[alt.Tooltip("label:N", title=label_title),
                 alt.Tooltip("value:Q", title=value_title, format=".4f")],
    ).properties(height=220)


def lines(x: np.ndarray, series: dict[str, np.ndarray], *, x_title: str, y_title: str,
          series_title: str) -> alt.Chart:
    """Several curves over the same x, one colour each (colour-blind-safe palette)."""
    data = pd.DataFrame([
        {"x": float(xi), "y": float(yi), "series": name}
        for name, ys in series.items() for xi, yi in zip(x, ys)
    ])
    return alt.Chart(data).mark_line(point=True).encode(
        x=alt.X("x:Q", title=x_title),
        y=alt.Y("y:Q", title=y_title),
        color=alt.Color("series:N", title=series_title, sort=list(series),
                        scale=alt.Scale(scheme="tableau10")),
        tooltip=[alt.Tooltip("series:N", title=series_title), alt.Tooltip("x:Q", title=x_title),
                 alt.Tooltip("y:Q", title=y_title, format=".4f")],
    ).properties(height=260)


def scatter(points: np.ndarray, labels: list[str], *, x_title: str, y_title: str) -> alt.Chart:
    """Labelled points in 2-D (e.g. a PCA projection of token vectors)."""
    data = pd.DataFrame({"x": points[:, 0], "y": points[:, 1], "label": labels})
    base = alt.Chart().encode(
        x=alt.X("x:Q", title=x_title), y=alt.Y("y:Q", title=y_title),
        tooltip=[alt.Tooltip("label:N"), alt.Tooltip("x:Q", format=".3f"),
                 alt.Tooltip("y:Q", format=".3f")],
    )
    return (base.mark_circle(size=90) + base.mark_text(dx=8, align="left").encode(text="label:N")
            ).properties(height=320)


def position_labels(tokens, n_positions: int) -> list[str]:
    """Row labels for positions: 'i·token' inside the sentence, a bare 'i' after its end.

    A bare number never contains '·', so it cannot collide with a token label.
    """
    labels = token_labels(tokens)[:n_positions]
    return labels + [str(i) for i in range(len(labels), n_positions)]


def token_rows(rows: dict[str, list]) -> pd.DataFrame:
    """Several rows of tokens (or numbers) as one wide table, one column per position."""
    width = max((len(row) for row in rows.values()), default=0)
    return pd.DataFrame.from_dict({name: [str(v) for v in row] for name, row in rows.items()},
                                  orient="index", columns=[str(i) for i in range(width)])


def head_grid(weights: np.ndarray, labels: list[str], heads: list[str], *, row_title: str,
              col_title: str, value_title: str, head_title: str, columns: int = 4) -> alt.Chart:
    """Every head's attention weights as small multiples, rows of `columns`, one fixed 0–1 scale.

    weights: (n_heads, seq_q, seq_k); labels: the token labels; heads: one title per head.
    """
    _, n_rows, n_cols = weights.shape  # (n_heads, seq_q, seq_k)
    frames = [_axis_frame(w, labels, labels).assign(head=name) for w, name in zip(weights, heads)]
    data = pd.concat(frames, ignore_index=True)
    data["head"] = pd.Categorical(data["head"], categories=heads)
    cell = min(20, max(4, 180 // max(n_rows, n_cols)))  # pixels per cell: 4 panels fit a laptop
    font = min(10, max(6, cell - 1))
    return alt.Chart(data).mark_rect().encode(
        x=alt.X("col:N", sort=list(labels), title=col_title,
                axis=alt.Axis(labelAngle=-45, labelFontSize=font)),
        y=alt.Y("row:N", sort=list(labels), title=row_title, axis=alt.Axis(labelFontSize=font)),
        color=alt.Color("value:Q", scale=alt.Scale(scheme=WEIGHTS_SCHEME, domain=[0, 1]),
                        title=value_title, legend=alt.Legend(orient="top")),
        tooltip=[alt.Tooltip("head:N", title=head_title),
                 alt.Tooltip("row:N", title=row_title), alt.Tooltip("col:N", title=col_title),
                 alt.Tooltip("value:Q", title=value_title, format=".4f")],
        facet=alt.Facet("head:N", sort=list(heads), title=None, columns=columns),
    ).properties(width=cell * n_cols, height=cell * n_rows).resolve_scale(color="shared")


def lines_log2(x: np.ndarray, series: dict[str, np.ndarray], *, x_title: str, y_title: str,
               series_title: str) -> alt.Chart:
    """`lines` with x on a base-2 log axis, ticks at the given x values (e.g. d_k = 4 … 512)."""
    return lines(x, series, x_title=x_title, y_title=y_title, series_title=series_title).encode(
        x=alt.X("x:Q", title=x_title, scale=alt.Scale(type="log", base=2),
                axis=alt.Axis(values=[float(v) for v in x], format="d")))


def number_table(values: np.ndarray, rows: list[str], cols: list[str]) -> pd.DataFrame:
    """A matrix as a table with named rows and columns, rounded to 4 decimals."""
    return pd.DataFrame(np.round(values.astype(np.float64), 4), index=rows, columns=cols)
