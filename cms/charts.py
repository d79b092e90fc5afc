"""Chart geometry: numbers in, positions and lengths out.

Pure functions and frozen dataclasses with no Django in them, so they are tested on plain
numbers. The templates in `cms/templates/cms/includes/chart_*.html` draw the result as inline
SVG, next to a table holding the same numbers (docs/design.md, "Charts").

Horizontal positions and lengths are percentages of the chart's width, so a chart fills
whatever width its container gives it while its text keeps its size (the SVG has no viewBox
to scale it); vertical positions are CSS pixels.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

Number = int | float | Decimal

# The design tokens (cms/static/cms/css/site.css) the charts draw with; a test keeps each one
# equal to its token. Every chart paints its own white background, so the ratios hold on any
# page, Wagtail's dark admin theme included.
COLOURS = {
    "background": "#ffffff",  # --color-bg
    "text": "#1b2528",  # --color-text: 15.6:1 on white (labels, values)
    "muted": "#4a5560",  # --color-text-muted: 7.6:1 (axis labels)
    "bar": "#0b5d5b",  # --color-primary: 7.7:1 (bars; 3:1 needed for graphics)
    "negative": "#a61b1b",  # --color-danger: 7.5:1 (bars below zero)
    "axis": "#6b7780",  # --color-border-strong: 4.6:1 (zero line, baseline, meter track edge)
    "grid": "#c9d1cf",  # --color-border: decorative grid lines only
    "track": "#f4f6f5",  # --color-surface: the meter's empty track
    "marker": "#8a4600",  # --color-warning: 7.1:1 (pass mark, target, reference line)
}
TOKENS = {
    "background": "--color-bg",
    "text": "--color-text",
    "muted": "--color-text-muted",
    "bar": "--color-primary",
    "negative": "--color-danger",
    "axis": "--color-border-strong",
    "grid": "--color-border",
    "track": "--color-surface",
    "marker": "--color-warning",
}

NOT_ENOUGH_DATA = "not enough data"


def format_number(value, places=1):
    """A number as printed on a chart and in its table: at most `places` decimals, no
    trailing zeros, ASCII minus (so a copied table pastes into a spreadsheet as numbers)."""
    if value is None:
        return ""
    text = f"{float(value):.{places}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def format_percent(value, places=1):
    return f"{format_number(value, places)}%"


def position(value, minimum, maximum):
    """Where `value` sits between `minimum` and `maximum`, as a percentage (0-100), clamped.

    A zero-width range puts everything at 0, so an empty chart never divides by zero.
    """
    low, high = float(minimum), float(maximum)
    if high <= low:
        return 0.0
    share = (float(value) - low) / (high - low)
    return round(100 * min(max(share, 0.0), 1.0), 2)


@dataclass(frozen=True)
class Tick:
    """A labelled point on an axis: its value, its text and where it sits (percent)."""

    value: float
    text: str
    at: float

    @property
    def anchor(self):
        """SVG text-anchor that keeps the label inside the chart at either edge."""
        if self.at <= 0:
            return "start"
        if self.at >= 100:
            return "end"
        return "middle"


# --- Horizontal bar chart -------------------------------------------------------------------

ROW_HEIGHT = 46  # px per bar: a line of text (label and value), then the bar
LABEL_BASELINE = 16  # px from the row's top
BAR_OFFSET = 23  # px from the row's top to the bar
BAR_HEIGHT = 14
AXIS_HEIGHT = 24  # px under the rows for the tick labels
LABEL_LENGTH = 90  # characters of a label drawn in the SVG; the table holds it whole


def shorten(text, length=LABEL_LENGTH):
    """`text` cut at a word to at most `length` characters, with an ellipsis when cut."""
    text = " ".join(str(text).split())
    if len(text) <= length:
        return text
    cut = text[: length - 1].rsplit(" ", 1)[0] if " " in text[: length - 1] else text[: length - 1]
    return cut.rstrip(" ,;:") + "…"


@dataclass(frozen=True)
class Bar:
    """One labelled bar. `text` is printed on the chart beside the label; `cells` are the
    table's cells after the label (the same numbers, split into columns)."""

    label: str
    value: Number | None
    text: str
    cells: tuple[str, ...]
    y: int  # top of the row, px
    start: float  # percent of the width
    length: float  # percent of the width; 0 draws no bar

    @property
    def short_label(self):
        return shorten(self.label)

    @property
    def negative(self):
        return self.value is not None and self.value < 0

    @property
    def label_y(self):
        return self.y + LABEL_BASELINE

    @property
    def bar_y(self):
        return self.y + BAR_OFFSET

    @property
    def missing(self):
        return self.value is None

    @property
    def lane_top(self):
        """Top of the bar's lane: grid, guide and zero lines are drawn only here, so they
        never cross the label line."""
        return self.bar_y - 4

    @property
    def lane_bottom(self):
        return self.bar_y + BAR_HEIGHT + 4


@dataclass(frozen=True)
class BarChart:
    """Horizontal bars on one axis from `minimum` to `maximum`.

    `zero_at` is where the value 0 sits (percent); bars grow from it, to the right for
    positive values and to the left for negative ones, and a line is drawn there.
    `reference` is an optional guide line (e.g. a threshold worth a look).
    """

    bars: tuple[Bar, ...]
    minimum: float
    maximum: float
    zero_at: float
    ticks: tuple[Tick, ...] = ()
    reference: Tick | None = None
    columns: tuple[str, ...] = ("Value",)
    empty: bool = False

    colours = COLOURS
    bar_height = BAR_HEIGHT

    @property
    def rows_height(self):
        return len(self.bars) * ROW_HEIGHT

    @property
    def axis_y(self):
        """Baseline of the tick labels."""
        return self.rows_height + AXIS_HEIGHT - 6

    @property
    def height(self):
        return self.rows_height + (AXIS_HEIGHT if self.ticks else 4)


def bar_chart(
    rows: Iterable[tuple[str, Number | None]],
    *,
    minimum: Number = 0,
    maximum: Number | None = None,
    ticks: Sequence[Number] = (),
    reference: Number | None = None,
    text: Callable[[Number], str] = format_number,
    column: str = "Value",
    missing: str = NOT_ENOUGH_DATA,
    empty: bool | None = None,
):
    """A horizontal bar chart of (label, value) rows, in the order given.

    `maximum` defaults to the largest value (at least 1, so all-zero data draws empty bars
    rather than dividing by zero); values outside the axis are drawn to its end but printed
    as they are. A value of None draws no bar and prints `missing`. `empty` (by default:
    no rows) tells the template to show an empty state instead of the chart.
    """
    rows = list(rows)
    values = [float(v) for _, v in rows if v is not None]
    if maximum is None:
        maximum = max([*values, 1.0])
    minimum, maximum = float(minimum), float(maximum)
    zero_at = position(min(max(0.0, minimum), maximum), minimum, maximum)
    bars = []
    for n, (label, value) in enumerate(rows):
        shown = missing if value is None else text(value)
        if value is None:
            start, length = zero_at, 0.0
        else:
            at = position(value, minimum, maximum)
            start, length = min(at, zero_at), round(abs(at - zero_at), 2)
        bars.append(
            Bar(
                label=str(label),
                value=value,
                text=shown,
                cells=(shown,),
                y=n * ROW_HEIGHT,
                start=start,
                length=length,
            )
        )
    return BarChart(
        bars=tuple(bars),
        minimum=minimum,
        maximum=maximum,
        zero_at=zero_at,
        ticks=tuple(Tick(float(t), text(t), position(t, minimum, maximum)) for t in ticks),
        reference=(
            Tick(float(reference), text(reference), position(reference, minimum, maximum))
            if reference is not None
            else None
        ),
        columns=(column,),
        empty=not rows if empty is None else empty,
    )


# --- Funnel ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FunnelStage:
    """A stage of a funnel: how many reached it, and what reaching it means."""

    label: str
    count: int
    definition: str = ""


def funnel_chart(stages: Sequence[FunnelStage]):
    """Ordered stages as bars on a scale from 0 to the first stage's count, each printed
    with its count and its share of the first stage.

    With nobody at the first stage the chart is empty (no percentages to give); a later
    stage larger than the first stretches the scale instead of overflowing it.
    """
    stages = list(stages)
    first = stages[0].count if stages else 0
    chart = bar_chart(
        [(s.label, s.count) for s in stages],
        maximum=max([first, *(s.count for s in stages), 1]),
        text=lambda v: format_number(v, 0),
        empty=first == 0,
    )
    bars = []
    for stage, bar in zip(stages, chart.bars, strict=True):
        share = format_percent(100 * stage.count / first) if first else "–"
        bars.append(
            Bar(
                label=bar.label,
                value=bar.value,
                text=f"{stage.count} ({share})" if first else str(stage.count),
                cells=(str(stage.count), share),
                y=bar.y,
                start=bar.start,
                length=bar.length,
            )
        )
    return BarChart(
        bars=tuple(bars),
        minimum=chart.minimum,
        maximum=chart.maximum,
        zero_at=chart.zero_at,
        columns=("Learners", f"Share of {stages[0].label.lower()}" if stages else "Share"),
        empty=chart.empty,
    )


# --- Histogram -------------------------------------------------------------------------------

HISTOGRAM_TOP = 44  # px above the tallest column: the marker's label and the counts
HISTOGRAM_PLOT = 150  # px: the tallest column
HISTOGRAM_AXIS = 26  # px under the baseline for the edge labels
COLUMN_GAP = 0.6  # percent of the width on each side of a column


@dataclass(frozen=True)
class Column:
    label: str  # the bin in words, for the table ("70 to under 80")
    count: int
    x: float  # percent
    width: float  # percent
    centre: float  # percent: where the count is printed
    y: int  # px: top of the column
    height: int  # px; 0 draws no column

    @property
    def count_y(self):
        return self.y - 6


@dataclass(frozen=True)
class Marker:
    """A value marked on the axis (e.g. the pass mark), with its label."""

    value: float
    text: str
    at: float

    @property
    def anchor(self):
        # The label sits on the side with more room.
        return "end" if self.at > 50 else "start"

    @property
    def dx(self):
        return -5 if self.anchor == "end" else 5


@dataclass(frozen=True)
class Histogram:
    columns: tuple[Column, ...]
    ticks: tuple[Tick, ...]
    marker: Marker | None
    total: int

    colours = COLOURS
    plot_top = HISTOGRAM_TOP
    baseline = HISTOGRAM_TOP + HISTOGRAM_PLOT
    height = HISTOGRAM_TOP + HISTOGRAM_PLOT + HISTOGRAM_AXIS
    tick_y = HISTOGRAM_TOP + HISTOGRAM_PLOT + 18
    marker_y = 16

    @property
    def empty(self):
        return self.total == 0


def histogram(
    bins: Sequence[tuple[str, int]],
    edges: Sequence[Number],
    *,
    marker: Number | None = None,
    marker_text: str = "",
    tick_text: Callable[[Number], str] = format_number,
    tick_every: int = 1,
):
    """Vertical columns for counted bins between `edges` (one more edge than bins), scaled
    so the largest count is the full height; each count is printed above its column.

    All-zero counts give an empty histogram (no division by zero); `marker` draws a line at
    that value on the horizontal axis, labelled `marker_text`. The axis labels every
    `tick_every`-th edge (and the last), so they fit side by side on a phone.
    """
    if len(edges) != len(bins) + 1:
        raise ValueError("A histogram needs one more edge than bins.")
    low, high = float(edges[0]), float(edges[-1])
    tallest = max((count for _, count in bins), default=0)
    columns = []
    for (label, count), left, right in zip(bins, edges, edges[1:], strict=False):
        x0, x1 = position(left, low, high), position(right, low, high)
        height = round(HISTOGRAM_PLOT * count / tallest) if tallest else 0
        columns.append(
            Column(
                label=label,
                count=count,
                x=round(x0 + COLUMN_GAP, 2),
                width=round(max(x1 - x0 - 2 * COLUMN_GAP, 0), 2),
                centre=round((x0 + x1) / 2, 2),
                y=HISTOGRAM_TOP + HISTOGRAM_PLOT - height,
                height=height,
            )
        )
    return Histogram(
        columns=tuple(columns),
        ticks=tuple(
            Tick(float(e), tick_text(e), position(e, low, high))
            for n, e in enumerate(edges)
            if n % tick_every == 0 or n == len(edges) - 1
        ),
        marker=(
            Marker(float(marker), marker_text, position(marker, low, high))
            if marker is not None
            else None
        ),
        total=sum(count for _, count in bins),
    )


# --- Meter -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Meter:
    """A value against a target: the fill is the value, the line is the target. Past the
    target the scale stretches to the value and the target line moves in from the end."""

    value: Number
    target: Number
    fill: float  # percent
    target_at: float  # percent

    colours = COLOURS
    height = 56
    bar_y = 24
    bar_height = 22

    @property
    def remaining(self):
        return max(self.target - self.value, 0)

    @property
    def reached(self):
        return self.value >= self.target

    @property
    def percent(self):
        """The value as a share of the target, for the text (can exceed 100)."""
        return 100 * float(self.value) / float(self.target)


def meter(value: Number, target: Number):
    """`value` against a positive `target`; a negative value counts as nothing."""
    if target is None or target <= 0:
        raise ValueError("A meter needs a positive target.")
    value = max(value, 0)
    scale = max(target, value)
    return Meter(
        value=value,
        target=target,
        fill=position(value, 0, scale),
        target_at=position(target, 0, scale),
    )
