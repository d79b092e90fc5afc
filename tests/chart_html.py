"""Reading the charts back out of rendered HTML (cms/includes/chart_*.html), so tests can
compare what the SVG draws and prints with what its text-equivalent table says."""

import re
from dataclasses import dataclass

from bs4 import BeautifulSoup

NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def numbers(text):
    """Every number in `text`, as floats, in order."""
    return [float(n) for n in NUMBER.findall(text.replace(",", ""))]


def percent(value):
    """An SVG length or position like "42.5%" as a float."""
    assert value.endswith("%"), value
    return float(value[:-1])


@dataclass
class DrawnRow:
    """One bar (or column) of a chart: its label and value as printed, and its shape."""

    label: str
    value: str
    rect: dict | None  # the drawn bar's attributes, None when no bar is drawn


@dataclass
class Chart:
    figure: object
    svg: object
    title: str
    description: str
    rows: list
    table_rows: list  # [[header cell, data cells...], ...] of the chart's own table


def text_of(node):
    return " ".join(node.get_text(" ").split())


def table_rows(table):
    if table is None:
        return []
    body = table.find("tbody") or table
    return [[text_of(cell) for cell in row.find_all(["th", "td"])] for row in body.find_all("tr")]


def charts(html):
    """{figure id: Chart} for every chart figure on the page."""
    soup = BeautifulSoup(html, "html.parser")
    found = {}
    for figure in soup.select("figure.chart"):
        svg = figure.find("svg", recursive=False)
        rows = []
        if svg is not None:
            for group in svg.select("g.chart__row, g.chart__column"):
                label = group.find("svg")
                value = group.select_one("text.chart__value")
                rows.append(
                    DrawnRow(
                        label=text_of(label) if label else "",
                        value=text_of(value) if value else "",
                        rect=dict(group.find("rect", recursive=False).attrs)
                        if group.find("rect", recursive=False)
                        else None,
                    )
                )
        labelled = svg["aria-labelledby"].split() if svg is not None else []
        found[figure["id"]] = Chart(
            figure=figure,
            svg=svg,
            title=text_of(soup.find(id=labelled[0])) if labelled else "",
            description=text_of(soup.find(id=labelled[1])) if len(labelled) > 1 else "",
            rows=rows,
            table_rows=table_rows(figure.find("table")),
        )
    return found


def table_by_id(html, table_id):
    soup = BeautifulSoup(html, "html.parser")
    return table_rows(soup.find(id=table_id))
