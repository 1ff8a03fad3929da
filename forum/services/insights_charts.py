"""The insights' charts: SVG drawn on the server by pygal, with its JavaScript off.

Each chart is served as an image from its own route under a strict Content-Security-Policy, so the
page needs no script and no inline style; the SVG carries its own title and description, and its
colours follow the reader's light or dark scheme (a style block with prefers-color-scheme). It is
drawn without a fixed size, so it scales to a phone's width. The figures are also in the table
beside it: a value shown as "fewer than 5" is left out of the chart and its label says so.
"""

import csv
import io
import math
import re
from dataclasses import dataclass, field

import pygal
from markupsafe import escape
from pygal.style import Style

SMALL = 5
FEWER = "fewer than 5"


@dataclass
class Figure:
    slug: str
    title: str
    description: str
    columns: list[str]
    # Each row: a label, then one value per column after the first (numbers, None or FEWER).
    rows: list[list] = field(default_factory=list)
    # "bar" (grouped bars per row), "line" (a series per column over the rows, such as weeks).
    chart: str = "bar"
    # Which columns the chart draws (indexes into the values); None: all.
    drawn: list[int] | None = None


def shown(count):
    """A count in a group: under SMALL it is "fewer than 5"."""
    return FEWER if count is not None and count < SMALL else count


# Colours with enough contrast on the page's light and dark backgrounds (forum.css).
LIGHT = ("#1f5fa8", "#b3541e", "#2e7d32", "#7b3fa0", "#5d6470", "#a01e4f")
DARK = ("#8cc4ff", "#ffb86b", "#8fd694", "#d4a8ff", "#c3c8d2", "#ff8fb8")


# The light scheme is pygal's style; the dark one overrides it when the reader's system asks (the
# chart is an image of its own, so plain selectors reach only its own elements).
def _dark_css() -> str:
    rules = [
        ".background, .plot .background { fill: #16181d !important; }",
        "text, .title, .legends .legend text, .axis text { fill: #eceef2 !important; }",
        ".axis .guide.line, .axis .line, .guides .line { stroke: #7d8390 !important; }",
    ]
    for index, colour in enumerate(DARK):
        rules.append(
            f".color-{index}, .color-{index} a:visited "
            f"{{ stroke: {colour} !important; fill: {colour} !important; }}"
        )
    return "inline:@media (prefers-color-scheme: dark) { " + " ".join(rules) + " }"


STYLE = Style(
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#1b1f24",
    foreground_strong="#1b1f24",
    foreground_subtle="#5d6470",
    colors=LIGHT,
    font_family="system-ui, sans-serif",
    title_font_size=17,
    label_font_size=14,
    major_label_font_size=14,
    legend_font_size=14,
    value_font_size=12,
    no_data_font_size=22,
)


def _number(value):
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


def _no_data(figure: Figure) -> str:
    if any(value == FEWER for row in figure.rows for value in row[1:]):
        return f"Only counts under {SMALL}: see the table"
    return "Nothing in this period"


def _label(row) -> str:
    # A week's row is named by its first day alone in the chart, to fit a phone.
    label = str(row[0]).removeprefix("Week from ")
    if any(value == FEWER for value in row[1:]):
        label += f" ({FEWER})"
    return label


def svg(figure: Figure) -> bytes:
    """The figure as an SVG document: its title and description inside, no script, no size."""
    columns = figure.drawn if figure.drawn is not None else list(range(len(figure.columns) - 1))
    config = dict(
        style=STYLE,
        js=[],
        disable_xml_declaration=False,
        explicit_size=False,
        width=480,
        height=360,
        title=figure.title,
        legend_at_bottom=True,
        legend_at_bottom_columns=1,
        print_values=False,
        show_y_guides=True,
        truncate_label=-1,
        truncate_legend=-1,
        no_data_text=_no_data(figure),
        css=("file://style.css", "file://graph.css", _dark_css()),
    )
    if figure.chart == "line":
        chart = pygal.Line(x_label_rotation=30, **config)
    else:
        chart = pygal.HorizontalBar(**config) if len(figure.rows) > 4 else pygal.Bar(**config)
    rows = figure.rows
    if figure.chart == "line":
        rows = [row for row in rows if str(row[0]).startswith("Week")]
    chart.x_labels = [_label(row) for row in rows]
    top = 0
    for index in columns:
        values = [_number(row[index + 1]) for row in rows]
        top = max([top, *(value for value in values if value is not None)])
        chart.add(figure.columns[index + 1], values)
    # Counts are whole numbers: whole steps on the value axis, about six of them.
    step = max(1, math.ceil(top / 6))
    chart.config.y_labels = list(range(0, int(top) + step + 1, step))
    document = chart.render(is_unicode=True)
    return _describe(document, figure).encode("utf-8")


def _describe(document: str, figure: Figure) -> str:
    """pygal writes the title as the SVG's <title>; a <desc> after it says what the chart shows. pygal
    always writes its configuration in a <script> for its optional tooltips: with js=[] nothing
    reads it, and the chart is an image under a CSP without scripts, so it is left out."""
    document = re.sub(r"<script\b.*?</script>", "", document, flags=re.S)

    description = (
        f"<desc>{escape(figure.description)} The same figures are in the table beside the chart.</desc>"
    )
    marker = "</title>"
    at = document.find(marker)
    if at < 0:
        return document
    return document[: at + len(marker)] + description + document[at + len(marker) :]


def csv_text(figure: Figure) -> str:
    """The figure's table as CSV: the same header and cells the page shows (empty for no value)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(figure.columns)
    for row in figure.rows:
        writer.writerow(["" if value is None else value for value in row])
    return out.getvalue()
