"""Chart geometry (cms/charts.py) on plain numbers, the chart templates it feeds, and the
colours it draws with (the design tokens, with enough contrast)."""

import re
from decimal import Decimal

from django.template.loader import render_to_string

import pytest

from cms import charts
from cms.charts import (
    COLOURS,
    ROW_HEIGHT,
    TOKENS,
    FunnelStage,
    bar_chart,
    format_number,
    format_percent,
    funnel_chart,
    histogram,
    meter,
    position,
    shorten,
)
from cms.text import ce_amount
from tests.chart_html import charts as charts_in
from tests.chart_html import numbers, percent
from tests.cms.test_design_system import SITE_CSS, contrast

# --- numbers and positions -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (75.0, "75"),
        (62.5, "62.5"),
        (-12.34, "-12.3"),
        (-0.04, "0"),
        (Decimal("2.50"), "2.5"),
        (100, "100"),
        (0, "0"),
        (None, ""),
    ],
)
def test_format_number(value, text):
    assert format_number(value) == text


def test_format_percent_and_places():
    assert format_percent(33.333) == "33.3%"
    assert format_number(33.333, 0) == "33"


def test_position_is_a_clamped_percentage_and_never_divides_by_zero():
    assert position(25, 0, 100) == 25
    assert position(0, -100, 100) == 50
    assert position(-100, -100, 100) == 0
    assert position(150, 0, 100) == 100
    assert position(-5, 0, 100) == 0
    assert position(3, 0, 0) == 0  # a zero-width range


def test_shorten_cuts_at_a_word_with_an_ellipsis():
    assert shorten("Short prompt?") == "Short prompt?"
    long = "word " * 40
    cut = shorten(long, 30)
    assert len(cut) <= 30 and cut.endswith("…") and not cut.endswith(" …")


@pytest.mark.parametrize(
    ("hours", "text"),
    [
        (Decimal("1.00"), "1 CE"),
        (Decimal("2.50"), "2.5 CEs"),
        (Decimal("0"), "0 CEs"),
        (Decimal("124.75"), "124.75 CEs"),
        (10, "10 CEs"),
        (None, ""),
    ],
)
def test_ce_amounts_are_singular_only_for_one_hour(hours, text):
    assert ce_amount(hours) == text


# --- bar chart -------------------------------------------------------------------------------


def test_bar_lengths_are_proportional_to_values():
    chart = bar_chart([("a", 25), ("b", 50), ("c", 100)], maximum=100)
    assert [b.length for b in chart.bars] == [25, 50, 100]
    assert [b.start for b in chart.bars] == [0, 0, 0]
    assert [b.text for b in chart.bars] == ["25", "50", "100"]
    assert [b.y for b in chart.bars] == [0, ROW_HEIGHT, 2 * ROW_HEIGHT]
    assert chart.zero_at == 0 and not chart.empty


def test_the_default_axis_ends_at_the_largest_value():
    chart = bar_chart([("a", 1), ("b", 2), ("c", 4)])
    assert chart.maximum == 4
    assert [b.length for b in chart.bars] == [25, 50, 100]


def test_all_zero_values_draw_no_bars_and_do_not_divide_by_zero():
    chart = bar_chart([("a", 0), ("b", 0)])
    assert [b.length for b in chart.bars] == [0, 0]
    assert [b.text for b in chart.bars] == ["0", "0"]


def test_no_rows_is_an_empty_chart():
    chart = bar_chart([])
    assert chart.empty and chart.bars == () and chart.height > 0


def test_none_is_not_enough_data_and_draws_no_bar():
    chart = bar_chart([("a", None), ("b", 40)], minimum=-100, maximum=100)
    missing = chart.bars[0]
    assert missing.missing and missing.length == 0 and missing.text == "not enough data"
    assert missing.cells == ("not enough data",)


def test_negative_values_grow_left_from_a_zero_line_in_the_middle():
    chart = bar_chart(
        [("up", 60), ("down", -40), ("zero", 0)], minimum=-100, maximum=100, ticks=(-100, 0, 100)
    )
    up, down, zero = chart.bars
    assert chart.zero_at == 50
    assert (up.start, up.length, up.negative) == (50, 30, False)
    assert (down.start, down.length, down.negative) == (30, 20, True)
    assert down.text == "-40"
    assert zero.length == 0
    assert [(t.text, t.at, t.anchor) for t in chart.ticks] == [
        ("-100", 0, "start"),
        ("0", 50, "middle"),
        ("100", 100, "end"),
    ]


def test_values_beyond_the_axis_are_drawn_to_its_end_and_printed_as_they_are():
    chart = bar_chart([("over", 150)], maximum=100)
    assert chart.bars[0].length == 100 and chart.bars[0].text == "150"


def test_reference_line_sits_at_its_value():
    chart = bar_chart([("a", 10)], minimum=-100, maximum=100, reference=20)
    assert chart.reference.at == 60 and chart.reference.text == "20"


# --- funnel ----------------------------------------------------------------------------------


def test_funnel_bars_are_shares_of_the_first_stage():
    chart = funnel_chart(
        [
            FunnelStage("Enrolled", 10),
            FunnelStage("Started", 8),
            FunnelStage("Done", 5),
            FunnelStage("Certified", 0),
        ]
    )
    assert [b.length for b in chart.bars] == [100, 80, 50, 0]
    assert [b.cells for b in chart.bars] == [
        ("10", "100%"),
        ("8", "80%"),
        ("5", "50%"),
        ("0", "0%"),
    ]
    assert chart.bars[1].text == "8 (80%)"
    assert chart.columns == ("Learners", "Share of enrolled")
    assert not chart.empty


def test_funnel_with_nobody_enrolled_is_empty_and_divides_by_nothing():
    chart = funnel_chart([FunnelStage("Enrolled", 0), FunnelStage("Started", 0)])
    assert chart.empty
    assert [b.cells for b in chart.bars] == [("0", "–"), ("0", "–")]
    assert funnel_chart([]).empty


def test_a_later_stage_larger_than_the_first_stretches_the_scale():
    chart = funnel_chart([FunnelStage("Enrolled", 4), FunnelStage("Odd", 8)])
    assert [b.length for b in chart.bars] == [50, 100]
    assert chart.bars[1].cells == ("8", "200%")


# --- histogram -------------------------------------------------------------------------------


def test_histogram_heights_are_proportional_to_counts():
    chart = histogram(
        [("a", 0), ("b", 1), ("c", 2), ("d", 4)], [0, 10, 20, 30, 40], marker=30, marker_text="m"
    )
    heights = [c.height for c in chart.columns]
    assert heights == [0, round(charts.HISTOGRAM_PLOT / 4), charts.HISTOGRAM_PLOT // 2, 150]
    assert all(c.y + c.height == chart.baseline for c in chart.columns)
    assert [c.centre for c in chart.columns] == [12.5, 37.5, 62.5, 87.5]
    # Columns sit inside their bins and do not touch.
    for column, left in zip(chart.columns, [0, 25, 50, 75], strict=True):
        assert left < column.x and column.x + column.width < left + 25
    assert chart.marker.at == 75 and chart.marker.anchor == "end"
    assert chart.total == 7 and not chart.empty


def test_histogram_without_counts_is_empty():
    chart = histogram([("a", 0), ("b", 0)], [0, 50, 100])
    assert chart.empty and [c.height for c in chart.columns] == [0, 0]


def test_histogram_needs_one_more_edge_than_bins():
    with pytest.raises(ValueError):
        histogram([("a", 1)], [0, 10, 20])


def test_histogram_can_label_every_other_edge():
    chart = histogram([("a", 1)] * 5, [0, 20, 40, 60, 80, 100], tick_every=2)
    assert [t.text for t in chart.ticks] == ["0", "40", "80", "100"]


def test_histogram_marker_label_sits_on_the_roomier_side():
    assert histogram([("a", 1)], [0, 100], marker=30).marker.anchor == "start"


# --- meter -----------------------------------------------------------------------------------


def test_meter_fills_the_share_of_the_target():
    m = meter(Decimal("18"), 24)
    assert (m.fill, m.target_at, m.remaining, m.reached) == (75, 100, 6, False)


def test_meter_past_the_target_stretches_and_moves_the_target_line_in():
    m = meter(30, 24)
    assert (m.fill, m.target_at, m.remaining, m.reached) == (100, 80, 0, True)


def test_meter_with_nothing_earned_has_no_fill():
    m = meter(0, 24)
    assert (m.fill, m.remaining) == (0, 24)
    assert meter(-3, 24).fill == 0


@pytest.mark.parametrize("target", [0, -1, None])
def test_meter_needs_a_positive_target(target):
    with pytest.raises(ValueError):
        meter(5, target)


# --- colours ---------------------------------------------------------------------------------


def test_chart_colours_are_the_design_tokens():
    css = SITE_CSS.read_text(encoding="utf-8")
    for name, token in TOKENS.items():
        value = re.search(rf"{re.escape(token)}\s*:\s*(#[0-9a-f]{{6}})", css).group(1)
        assert COLOURS[name] == value, (name, token)
    assert set(TOKENS) == set(COLOURS)


@pytest.mark.parametrize(
    ("colour", "minimum"),
    [("text", 4.5), ("muted", 4.5), ("bar", 3), ("negative", 3), ("axis", 3), ("marker", 4.5)],
)
def test_chart_colours_have_contrast_on_the_chart_background(colour, minimum):
    assert contrast(COLOURS[colour], COLOURS["background"]) >= minimum


def test_negative_bars_are_told_apart_by_more_than_colour():
    # Left of the zero line, and printed with a minus sign, as well as red.
    chart = bar_chart([("down", -5)], minimum=-10, maximum=10)
    assert chart.bars[0].text.startswith("-") and chart.bars[0].start < chart.zero_at


# --- templates -------------------------------------------------------------------------------


def render_bars(chart, **extra):
    return render_to_string(
        "cms/includes/chart_bars.html",
        {
            "chart": chart,
            "chart_id": "test-chart",
            "title": "A test chart",
            "description": "What it shows.",
            "label_column": "Item",
            **extra,
        },
    )


def test_bar_chart_template_draws_what_its_table_says():
    chart = bar_chart(
        [("Rises", 60), ("Falls", -40), ("Unknown", None), ("Flat", 0)],
        minimum=-100,
        maximum=100,
        ticks=(-100, 0, 100),
    )
    html = render_bars(chart)
    found = charts_in(html)["test-chart"]
    assert found.title == "A test chart" and found.description == "What it shows."
    assert found.svg["role"] == "img"
    assert found.table_rows == [
        ["Rises", "60"],
        ["Falls", "-40"],
        ["Unknown", "not enough data"],
        ["Flat", "0"],
    ]
    for drawn, (label, cell) in zip(found.rows, found.table_rows, strict=True):
        assert drawn.label == label and drawn.value == cell
    rises, falls, unknown, flat = found.rows
    assert (percent(rises.rect["x"]), percent(rises.rect["width"])) == (50, 30)
    assert (percent(falls.rect["x"]), percent(falls.rect["width"])) == (30, 20)
    assert falls.rect["fill"] == COLOURS["negative"] and rises.rect["fill"] == COLOURS["bar"]
    assert unknown.rect is None and flat.rect is None
    assert not re.search(r"\sstyle\s*=", html) and "<script" not in html
    assert "Show the numbers as a table" in html


def test_bar_chart_template_uses_no_decimal_comma_whatever_the_locale(settings):
    settings.LANGUAGE_CODE = "de"
    from django.utils import translation

    with translation.override("de"):
        html = render_bars(bar_chart([("a", 12.5)], maximum=100))
    assert 'width="12.5%"' in html


def test_an_empty_chart_renders_its_empty_state_and_no_svg():
    html = render_bars(bar_chart([]), empty_text="Nothing yet.")
    found = charts_in(html)["test-chart"]
    assert found.svg is None and "Nothing yet." in html


def test_a_chart_pointing_at_another_table_repeats_no_table():
    html = render_bars(bar_chart([("a", 1)]), table_ref="elsewhere")
    assert "<table" not in html and 'href="#elsewhere"' in html


def test_histogram_template_counts_equal_its_table():
    chart = histogram(
        [("low", 2), ("mid", 0), ("high", 5)], [0, 40, 70, 100], marker=70, marker_text="Pass 70%"
    )
    html = render_to_string(
        "cms/includes/chart_histogram.html",
        {"histogram": chart, "chart_id": "h", "title": "Scores", "description": "d"},
    )
    found = charts_in(html)["h"]
    assert [r.value for r in found.rows] == ["2", "0", "5"]
    assert found.table_rows == [["low", "2"], ["mid", "0"], ["high", "5"]]
    heights = [int(r.rect["height"]) if r.rect else 0 for r in found.rows]
    assert heights == [60, 0, 150]  # proportional to 2, 0, 5
    assert "Pass 70%" in text_of_svg(found)


def text_of_svg(found):
    return " ".join(found.svg.get_text(" ").split())


def test_meter_template_prints_what_its_table_says_and_fills_the_share():
    html = render_to_string(
        "cms/includes/chart_meter.html",
        {
            "meter": meter(Decimal("6"), 24),
            "chart_id": "m",
            "title": "CE hours",
            "description": "Meter",
            "value_label": "Earned",
            "value_text": "6 CEs",
            "target_label": "Target",
            "target_text": "24 CEs",
            "remaining_text": "18 CEs",
        },
    )
    found = charts_in(html)["m"]
    drawn = [" ".join(t.get_text().split()) for t in found.svg.select("text.chart__value")]
    assert drawn == ["Earned: 6 CEs", "Target: 24 CEs"]
    table = {row[0]: row[1] for row in found.table_rows}
    assert table == {"Earned": "6 CEs", "Target": "24 CEs", "Still needed": "18 CEs"}
    fill = found.svg.find_all("rect")[2]
    assert percent(fill["width"]) == 25 == 100 * numbers(table["Earned"])[0] / 24
