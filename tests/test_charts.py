"""Chart builders: every spec is valid Vega-Lite (checked here once, not on every rerun), keeps
token order, uses the fixed scales, and wide matrices become a picture."""

import base64
import io
import json

import altair as alt
import jsonschema
import numpy as np
import pytest
from PIL import Image

from ui import chart_bars, chart_grid, chart_heatmap, chart_plots, charts, image, pictures

TOKENS = ["the", "cat", "saw", "the", "dog"]
LABELS = charts.token_labels(TOKENS)
RNG = np.random.default_rng(0)


def full_spec(chart: charts.Chart) -> dict:
    """The spec with its data inlined, as Vega-Lite would receive it from Altair."""
    frame = chart.data.to_pandas()
    records = frame.astype(object).where(frame.notna(), None).to_dict("records")
    return {"data": {"values": records}, **chart.spec}


def heat(values, rows, cols, **options) -> charts.Chart | chart_heatmap.WideMatrix:
    return chart_heatmap.heatmap(values, rows, cols, charts.HeatmapOptions(**options))


def builders():
    weights = RNG.dirichlet(np.ones(5), size=5)
    masked = np.where(np.triu(np.ones((5, 5), bool), 1), -np.inf, RNG.normal(size=(5, 5)))
    yield (
        "heatmap",
        heat(
            RNG.normal(size=(5, 8)),
            LABELS,
            list("abcdefgh"),
            kind="signed",
            row_title="r",
            col_title="c",
            value_title="v",
        ),
    )
    yield (
        "weights",
        heat(
            weights,
            LABELS,
            LABELS,
            kind="weights",
            row_title="q",
            col_title="k",
            value_title="w",
            select="pick",
        ),
    )
    yield (
        "masked",
        heat(masked, LABELS, LABELS, kind="signed", row_title="q", col_title="k", value_title="s"),
    )
    yield (
        "grid",
        chart_grid.head_grid(
            np.stack([weights, weights]),
            LABELS,
            ["h0", "h1"],
            row_title="q",
            col_title="k",
            value_title="w",
            head_title="h",
        ),
    )
    yield (
        "bars",
        chart_bars.bars(weights[0], LABELS, label_title="k", value_title="w", kind="weights"),
    )
    yield (
        "lines",
        chart_plots.lines_log2(
            [4, 8, 16], {"a": [1, 2, 3], "b": [3, 2, 1]}, x_title="d", y_title="y", series_title="s"
        ),
    )
    yield "scatter", chart_plots.scatter(RNG.normal(size=(5, 2)), LABELS, x_title="x", y_title="y")
    large = heat(
        RNG.normal(size=(5, 80)),
        LABELS,
        [str(d) for d in range(80)],
        kind="signed",
        row_title="r",
        col_title="d",
        value_title="v",
    )
    yield "hover part", large.part()
    yield "picture", large.picture("data:image/png;base64,AAAA")
    weights_picture = heat(weights, LABELS, LABELS, kind="weights", picture=True)
    yield "weights picture", weights_picture.picture("data:image/png;base64,AAAA")
    yield "shared bound", heat(RNG.normal(size=(5, 8)), LABELS, list("abcdefgh"), bound=9.0)
    yield (
        "paired bars",
        chart_bars.paired_bars(
            {"with": weights[0], "without": weights[1]},
            LABELS,
            label_title="k",
            value_title="w",
            series_title="s",
        ),
    )


@pytest.mark.parametrize(("name", "chart"), list(builders()))
def test_every_builder_writes_valid_vega_lite(name, chart):
    alt.Chart.from_dict(full_spec(chart))  # validates against the Vega-Lite schema, or raises


def test_an_invalid_spec_is_caught():
    """The check above can fail: a misspelt mark type is rejected."""
    spec = {"data": {"values": [{"a": 1}]}, "mark": {"type": "rectangle"}}
    with pytest.raises(jsonschema.ValidationError, match="rectangle"):
        alt.Chart.from_dict(spec)


def cells_layer(spec: dict) -> dict:
    """The layer that draws a heatmap's cells (a signed one has an invisible layer under it)."""
    return next(
        layer
        for layer in spec.get("layer", [spec])
        if layer["mark"]["type"] == "rect" and "x" in layer.get("encoding", {})
    )


def test_token_axes_keep_sentence_order_and_repeated_words():
    chart = heat(
        RNG.normal(size=(5, 5)),
        LABELS,
        LABELS,
        kind="signed",
        row_title="q",
        col_title="k",
        value_title="v",
    )
    encoding = cells_layer(chart.spec)["encoding"]
    # No sort list: the axes follow the data, whose labels first appear in sentence order.
    assert encoding["y"]["sort"] is None
    assert encoding["x"]["sort"] is None
    frame = chart.data.to_pandas()
    assert list(dict.fromkeys(frame["row"])) == ["0·the", "1·cat", "2·saw", "3·the", "4·dog"]
    assert list(dict.fromkeys(frame["col"])) == LABELS
    assert frame["row"].nunique() == 5  # the two "the" keep their own rows


def token_axes(spec: dict) -> list[dict]:
    """Every axis of a spec (any layer) whose field holds tokens: rows, labels, token columns."""
    found = []
    for part in [spec, *spec.get("layer", [])]:
        for channel, enc in part.get("encoding", {}).items():
            if channel in ("x", "y") and enc.get("field") in ("row", "label", "col"):
                found.append(enc)
    return found


@pytest.mark.parametrize(("name", "chart"), list(builders()))
def test_every_token_axis_keeps_every_label(name, chart):
    """Vega drops labels that touch (every other Hangul row) unless labelOverlap is false; a
    long token is cut with "…" (labelLimit) instead of dropped. Numbered columns may thin."""
    numbered = [a for a in token_axes(chart.spec) if a.get("axis", {}).get("labelAngle") == 0]
    axes = [a for a in token_axes(chart.spec) if a not in numbered]  # tokens, not numbers
    if name in ("lines", "scatter"):
        assert not axes
        return
    assert axes, f"{name}: no token axis found"
    for axis in axes:
        assert axis["axis"]["labelOverlap"] is False, (name, axis)
        assert axis["axis"]["labelLimit"] > 0, (name, axis)


def test_token_columns_stand_upright_and_keep_every_label():
    chart = heat(RNG.dirichlet(np.ones(5), size=5), LABELS, LABELS, kind="weights")
    x = chart.spec["encoding"]["x"]["axis"]
    assert x["labelOverlap"] is False and x["labelAngle"] == -90
    assert x["labelLimit"] == charts.COLUMN_LIMIT


def test_32_tokens_stay_a_labelled_chart_and_taller_matrices_a_labelled_picture():
    labels = charts.token_labels([f"w{i}" for i in range(chart_heatmap.MAX_ROWS)])
    square = heat(RNG.dirichlet(np.ones(32), size=32), labels, labels, kind="weights")
    assert isinstance(square, charts.Chart)  # every cell a mark, every token labelled
    tokens_by_dims = heat(RNG.normal(size=(32, 64)), labels, [str(d) for d in range(64)])
    assert isinstance(tokens_by_dims, chart_heatmap.WideMatrix)  # 2 048 marks: a labelled picture
    rows = charts.position_labels(labels, 40)
    tall = heat(RNG.normal(size=(40, 8)), rows, list("abcdefgh"))
    assert isinstance(tall, chart_heatmap.WideMatrix)
    picture = tall.picture("data:image/png;base64,AAAA")
    assert picture.data["row"].to_pylist() == rows  # the picture's rows keep their labels
    assert token_axes(picture.spec)[0]["axis"]["labelOverlap"] is False


def test_a_slider_move_keeps_the_spec_the_same():
    """New values or another number of dimensions change the data only, never the spec: the
    browser then swaps a drawn chart's data instead of building the chart again."""

    def spec(values, kind, **options):
        cols = [str(d) for d in range(values.shape[1])]
        return heat(
            values,
            LABELS,
            cols,
            kind=kind,
            row_title="q",
            col_title="d",
            value_title="v",
            **options,
        ).spec

    for kind in ("signed", "weights"):
        assert spec(RNG.normal(size=(5, 8)), kind) == spec(10 * RNG.normal(size=(5, 16)), kind)
    bounded = [spec(RNG.normal(size=(5, 8)), "signed", bound=b) for b in (3.0, 30.0)]
    assert bounded[0] == bounded[1]  # a shared scale's ends travel in the data

    def picture(d_model):
        values = RNG.normal(size=(5, d_model))
        wide = heat(values, LABELS, [str(d) for d in range(d_model)], col_title="d")
        return wide.picture(pictures.data_url(image.matrix_image(values, "signed"), "signed"))

    assert picture(72).spec == picture(512).spec
    curves = [
        chart_plots.lines(
            [0, 1, 2], {f"dim {d}": RNG.normal(size=3)}, x_title="x", y_title="y", series_title="s"
        ).spec
        for d in (4, 8)
    ]
    assert curves[0] == curves[1]


def test_nothing_jumps_when_d_model_moves_past_64():
    """At d_model 64 a matrix is a chart of cells, at 72 a picture: both are as tall (their
    rows' height is set by the number of rows alone; the axes come on top, equally)."""
    cells = heat(
        RNG.normal(size=(13, 64)), LABELS * 2 + ["x", "y", "z"], [str(d) for d in range(64)]
    )
    wide = heat(
        RNG.normal(size=(13, 72)), LABELS * 2 + ["x", "y", "z"], [str(d) for d in range(72)]
    )
    assert isinstance(cells, charts.Chart) and isinstance(wide, chart_heatmap.WideMatrix)
    picture = wide.picture("data:image/png;base64,AAAA")
    assert cells.spec["height"] == picture.spec["height"] == 13 * charts.CELL
    assert (
        cells.spec["autosize"]
        == picture.spec["autosize"]
        == {"type": "fit-x", "contains": "padding"}
    )


def test_weights_use_a_fixed_zero_to_one_scale():
    chart = heat(
        np.full((2, 2), 0.5),
        LABELS[:2],
        LABELS[:2],
        kind="weights",
        row_title="q",
        col_title="k",
        value_title="w",
    )
    assert chart.spec["encoding"]["color"]["scale"]["domain"] == [0, 1]


def test_signed_values_use_a_diverging_scale_centred_on_zero():
    values = np.array([[-3.0, 1.0]])
    chart = heat(
        values, ["a"], ["x", "y"], kind="signed", row_title="r", col_title="c", value_title="v"
    )
    color = cells_layer(chart.spec)["encoding"]["color"]
    assert color["field"] == "value"
    assert color["scale"]["domainMid"] == 0 and color["scale"]["scheme"] == charts.SIGNED_SCHEME
    assert chart.ends == 3.0  # the largest |value|: the page writes it next to the chart
    frame = chart.data.to_pandas()
    np.testing.assert_allclose(frame["value"], [-3.0, 1.0])  # colour and hover: the value itself
    assert frame["bound"].iloc[0] == 3.0 and frame["bound"].iloc[1:].isna().all()


def ends_of(spec: dict) -> dict:
    """The invisible layer that sets a signed scale's ends (and draws the legend)."""
    return next(layer for layer in spec["layer"] if "isValid(datum.bound)" in str(layer))


def test_the_legend_writes_the_numbers_at_its_ends():
    """The scale runs from −bound to +bound, read from the data's first row; the legend's
    labels are the scale's two ends and 0, written as numbers (±3.00), not "−max"/"+max"."""
    chart = heat(np.array([[-3.0, 1.0]]), ["a"], ["x", "y"], value_title="v")
    layer = ends_of(chart.spec)
    assert {"calculate": "[-datum.bound, datum.bound]", "as": "value"} in layer["transform"]
    legend = layer["encoding"]["color"]["legend"]
    assert legend["values"] == {"expr": charts.ENDS} and "domain('color')" in charts.ENDS
    assert legend["format"] == "+.2f"


def test_compared_matrices_share_one_colour_range():
    """Q Kᵀ and Q Kᵀ/√d_k on one scale: the smaller matrix is drawn paler, not identical."""
    dots = RNG.normal(size=(5, 5)) * 8
    scaled = dots / 8
    bound = charts.shared_bound(dots, scaled)
    assert bound == np.abs(dots).max()
    big, small = (heat(m, LABELS, LABELS, bound=bound) for m in (dots, scaled))
    assert big.ends == small.ends == bound
    assert big.data["bound"][0].as_py() == small.data["bound"][0].as_py() == pytest.approx(bound)
    assert big.spec == small.spec
    # A shared scale is never narrower than the matrix itself: no colour falls off its ends.
    assert heat(dots, LABELS, LABELS, bound=0.5).ends == bound


def test_a_picture_carries_its_legend_and_a_shared_scale():
    values = np.array([[-1.0, 0.5, 2.0]])
    wide = heat(values, ["a"], ["0", "1", "2"], picture=True, bound=4.0)
    picture = wide.picture(pictures.matrix_picture(values, "signed", wide.ends))
    assert ends_of(picture.spec)["encoding"]["color"]["legend"]["values"] == {"expr": charts.ENDS}
    assert picture.data["bound"][0].as_py() == 4.0
    pixels = read_png(base64.b64decode(picture.data["url"][0].as_py().split(",", 1)[1]))
    assert tuple(pixels[0, 2]) != tuple(image.PALETTES["signed"][image.LEVELS - 1])  # 2 of ±4
    middle = image.to_unit(values, "signed", bound=4.0)
    np.testing.assert_allclose(middle, [[0.375, 0.5625, 0.75]])


def test_bars_write_their_numbers():
    """A phone shows no hover box: every bar has its value written at its end."""
    chart = chart_bars.bars(np.array([0.25, -0.5]), ["a", "b"], label_title="k", value_title="w")
    text = next(layer for layer in chart.spec["layer"] if layer["mark"]["type"] == "text")
    assert text["encoding"]["text"] == {"field": "value", "type": "quantitative", "format": ".2f"}
    assert chart.spec["encoding"]["y"]["field"] == "label"  # tokens down: every label upright


def test_lines_are_told_apart_without_colour():
    chart = chart_plots.lines_log2(
        [4, 8],
        {"with": [0.2, 0.2], "without": [0.5, 0.9]},
        x_title="d",
        y_title="y",
        series_title="s",
    )
    encoding = chart.spec["encoding"]
    assert encoding["shape"]["field"] == encoding["strokeDash"]["field"] == "series"
    assert len(set(map(str, chart_plots.DASHES))) == len(chart_plots.DASHES)
    assert len(set(chart_plots.SHAPES)) == len(chart_plots.SHAPES)


def test_a_description_is_written_into_the_spec():
    chart = chart_bars.bars(
        np.array([0.5]), ["a"], label_title="k", value_title="w", description="one bar"
    )
    assert chart.spec["description"] == "one bar"
    assert heat(np.eye(2), ["a", "b"], ["a", "b"], description="map").spec["description"] == "map"


def test_masked_scores_are_never_shipped_as_numbers():
    values = np.array([[1.0, -np.inf], [0.5, 0.2]])
    chart = heat(
        values,
        ["a", "b"],
        ["a", "b"],
        kind="signed",
        row_title="q",
        col_title="k",
        value_title="s",
        masked_label="masked",
    )
    assert np.isfinite(chart.data.to_pandas()["value"]).all()
    assert chart.data["masked"].to_pylist() == [False, True, False, False]
    assert "masked" in cells_layer(chart.spec)["transform"][0]["calculate"]


def test_a_wide_matrix_becomes_a_picture_and_a_hoverable_part():
    values = RNG.normal(size=(3, 200))
    wide = heat(
        values,
        ["a", "b", "c"],
        [str(i) for i in range(200)],
        kind="signed",
        row_title="r",
        col_title="c",
        value_title="v",
    )
    assert isinstance(wide, chart_heatmap.WideMatrix)
    assert len(wide.part().data) == 3 * chart_heatmap.HOVER_COLS


def read_png(data: bytes) -> np.ndarray:
    """A PNG's pixels as (height, width, 3) RGB, decoded by Pillow."""
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))


def test_the_picture_encodes_the_matrix_colours_exactly():
    values = np.array([[-2.0, 0.0, 2.0], [1.0, -np.inf, -1.0]])
    indices = image.matrix_image(values, "signed", cell_h=2, cell_w=3)
    data = pictures.png(indices, "signed")
    assert Image.open(io.BytesIO(data)).mode == "P"  # one byte per pixel, through a palette
    decoded = read_png(data)
    assert decoded.shape == (4, 9, 3)
    assert tuple(decoded[2, 3]) == image.MASKED_RGB  # the -inf cell is grey
    assert tuple(decoded[0, 0]) == (0x13, 0x4B, 0x85)  # -2: the blue end
    assert tuple(decoded[0, 8]) == (0x90, 0x4A, 0x07)  # +2: the orange end
    assert tuple(decoded[0, 3]) == tuple(decoded[1, 5])  # a cell is 2 × 3 pixels of one colour


def test_weights_picture_is_clipped_to_the_zero_one_scale():
    indices = image.matrix_image(np.array([[0.0, 1.0, 1.5]]), "weights")
    pixels = read_png(pictures.png(indices, "weights"))
    assert tuple(pixels[0, 0]) == (0x44, 0x01, 0x54)  # viridis' dark end
    assert tuple(pixels[0, 1]) == tuple(pixels[0, 2]) == (0xFD, 0xE7, 0x25)  # its yellow end


def test_mosaic_places_pictures_in_reading_order_with_white_gaps():
    tiles = [np.full((2, 3), i, np.uint8) for i in range(5)]  # 5 flat pictures, 2 × 3
    canvas = image.mosaic(tiles, columns=2, gap=1)
    assert canvas.shape == (3 * 2 + 2, 2 * 3 + 1)  # 3 rows of 2, gaps of 1
    for i in range(5):
        top, left = (i // 2) * 3, (i % 2) * 4
        assert (canvas[top : top + 2, left : left + 3] == i).all()
    assert (canvas[2, :] == image.WHITE).all() and (canvas[:, 3] == image.WHITE).all()  # gaps
    assert (canvas[6:, 4:] == image.WHITE).all()  # no sixth picture: white
    assert tuple(read_png(pictures.png(canvas, "weights"))[2, 0]) == image.WHITE_RGB


def test_pictures_use_one_pixel_per_cell():
    """The chart enlarges the picture without smoothing: one pixel per cell is enough."""

    def size(values):
        url = pictures.matrix_picture(values, "signed")
        return read_png(base64.b64decode(url.split(",", 1)[1])).shape[:2]

    assert size(RNG.normal(size=(32, 512))) == (32, 512)
    assert size(RNG.normal(size=(48, 48))) == (48, 48)


def test_a_hover_box_key_does_not_change_when_a_slider_moves():
    from ui.matrices import hover_key

    assert hover_key("A_3 = softmax(q_3 k_3ᵀ / √16)") == hover_key("A_1 = softmax(q_1 k_1ᵀ / √32)")
    assert hover_key("Q = X·W_Q") != hover_key("K = X·W_K")


def test_bars_colour_positive_orange_and_negative_blue_as_every_heatmap():
    """One convention everywhere: the signed heatmaps run blue (−) to orange (+), and so do
    bars; a bar's colour is the heatmap palette's colour at its end."""
    from ui import chart_bars

    spec = chart_bars.bars(
        np.array([0.5, -0.5]), ["a", "b"], label_title="k", value_title="v", kind="signed"
    ).spec
    color = json.dumps(spec)
    positive = spec_color(spec, positive=True)
    negative = spec_color(spec, positive=False)

    def rgb(hex_colour: str) -> np.ndarray:
        return np.array([int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)], float)

    assert rgb(positive)[0] > rgb(positive)[2], "positive bars are orange (red > blue)"
    assert rgb(negative)[2] > rgb(negative)[0], "negative bars are blue"
    # both taken from the signed heatmaps' own palette, on its orange and its blue side
    assert positive in image.BLUE_ORANGE[6:] and negative in image.BLUE_ORANGE[:5]
    assert "datum.value >= 0" in color


def spec_color(spec: dict, positive: bool) -> str:
    """The colour a bar gets for a positive (or negative) value, wherever the spec keeps it."""
    found = []

    def walk(node):
        if isinstance(node, dict):
            if "condition" in node and "value" in node and isinstance(node["value"], str):
                found.append((node["condition"]["value"], node["value"]))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(spec)
    when_positive, otherwise = found[0]
    return when_positive if positive else otherwise
