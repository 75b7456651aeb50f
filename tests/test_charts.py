"""Chart builders: every spec is valid Vega-Lite (checked here once, not on every rerun), keeps
token order, uses the fixed scales, and wide matrices become a picture."""

import base64
import io

import altair as alt
import jsonschema
import numpy as np
import pytest
from PIL import Image

from ui import charts, image, pictures

TOKENS = ["the", "cat", "saw", "the", "dog"]
LABELS = charts.token_labels(TOKENS)
RNG = np.random.default_rng(0)


def full_spec(chart: charts.Chart) -> dict:
    """The spec with its data inlined, as Vega-Lite would receive it from Altair."""
    frame = chart.data.to_pandas()
    records = frame.astype(object).where(frame.notna(), None).to_dict("records")
    return {"data": {"values": records}, **chart.spec}


def heat(values, rows, cols, **options) -> charts.Chart | charts.WideMatrix:
    return charts.heatmap(values, rows, cols, charts.HeatmapOptions(**options))


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
        charts.head_grid(
            np.stack([weights, weights]),
            LABELS,
            ["h0", "h1"],
            row_title="q",
            col_title="k",
            value_title="w",
            head_title="h",
        ),
    )
    yield "bars", charts.bars(weights[0], LABELS, label_title="k", value_title="w", kind="weights")
    yield (
        "lines",
        charts.lines_log2(
            [4, 8, 16], {"a": [1, 2, 3], "b": [3, 2, 1]}, x_title="d", y_title="y", series_title="s"
        ),
    )
    yield "scatter", charts.scatter(RNG.normal(size=(5, 2)), LABELS, x_title="x", y_title="y")
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


@pytest.mark.parametrize(("name", "chart"), list(builders()))
def test_every_builder_writes_valid_vega_lite(name, chart):
    alt.Chart.from_dict(full_spec(chart))  # validates against the Vega-Lite schema, or raises


def test_an_invalid_spec_is_caught():
    """The check above can fail: a misspelt mark type is rejected."""
    spec = {"data": {"values": [{"a": 1}]}, "mark": {"type": "rectangle"}}
    with pytest.raises(jsonschema.ValidationError, match="rectangle"):
        alt.Chart.from_dict(spec)


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
    # No sort list: the axes follow the data, whose labels first appear in sentence order.
    assert chart.spec["encoding"]["y"]["sort"] is None
    assert chart.spec["encoding"]["x"]["sort"] is None
    frame = chart.data.to_pandas()
    assert list(dict.fromkeys(frame["row"])) == ["0·the", "1·cat", "2·saw", "3·the", "4·dog"]
    assert list(dict.fromkeys(frame["col"])) == LABELS
    assert frame["row"].nunique() == 5  # the two "the" keep their own rows


def test_a_slider_move_keeps_the_spec_the_same():
    """New values or another number of dimensions change the data only, never the spec: the
    browser then swaps a drawn chart's data instead of building the chart again."""

    def spec(values, kind):
        cols = [str(d) for d in range(values.shape[1])]
        return heat(
            values, LABELS, cols, kind=kind, row_title="q", col_title="d", value_title="v"
        ).spec

    for kind in ("signed", "weights"):
        assert spec(RNG.normal(size=(5, 8)), kind) == spec(10 * RNG.normal(size=(5, 16)), kind)
    curves = [
        charts.lines(
            [0, 1, 2], {f"dim {d}": RNG.normal(size=3)}, x_title="x", y_title="y", series_title="s"
        ).spec
        for d in (4, 8)
    ]
    assert curves[0] == curves[1]


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
    color = chart.spec["encoding"]["color"]
    assert color["field"] == "tone"
    assert color["scale"]["domain"] == [-1, 1] and color["scale"]["domainMid"] == 0
    assert chart.ends == 3.0  # the largest |value|: the page writes it next to the chart
    frame = chart.data.to_pandas()
    np.testing.assert_allclose(frame["tone"], [-1.0, 1 / 3], atol=1e-3)  # value ÷ 3
    np.testing.assert_allclose(frame["value"], [-3.0, 1.0])  # hover shows the value itself


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
    assert "masked" in chart.spec["transform"][0]["calculate"]


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
    assert isinstance(wide, charts.WideMatrix)
    assert len(wide.part().data) == 3 * charts.HOVER_COLS


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


def test_pictures_use_few_pixels_and_keep_their_shape():
    """One pixel per cell (a few for a wide matrix's rows); the browser enlarges them."""

    def size(values, square=False):
        url = pictures.matrix_picture(values, "signed", square)
        return read_png(base64.b64decode(url.split(",", 1)[1])).shape[:2]

    assert size(RNG.normal(size=(32, 512))) == (32 * 4, 512)  # as drawn at 1024 × 256 before
    assert size(RNG.normal(size=(13, 64))) == (13, 64 * 2)  # 16 × 8 pixels a cell, halved 8 times
    assert size(RNG.normal(size=(48, 48)), square=True) == (48, 48)
