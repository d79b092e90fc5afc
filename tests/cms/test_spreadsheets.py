"""Wagtail's exports, with our escaping: every CSV cell, whatever the value's type and
whatever a column's own preprocessing returns (cms/spreadsheets.py)."""

from wagtail.admin.views.mixins import SpreadsheetExportMixin

from cms.spreadsheets import SpreadsheetSafeExportMixin


class Export(SpreadsheetSafeExportMixin, SpreadsheetExportMixin):
    list_export = ["name", "owner", "shouted"]
    custom_field_preprocess = {"shouted": {SpreadsheetExportMixin.FORMAT_CSV: lambda v: "+" + v}}


class Named:
    def __str__(self):
        return "@SUM(A1)"


def cells(export_format):
    view = Export()
    row = {"name": "=1+1", "owner": Named(), "shouted": "x"}
    return [view.preprocess_field_value(f, v, export_format) for f, v in row.items()]


def test_every_csv_cell_is_escaped():
    assert cells(Export.FORMAT_CSV) == ["'=1+1", "'@SUM(A1)", "'+x"]


def test_xlsx_cells_are_left_to_wagtail_which_writes_them_as_text():
    assert cells(Export.FORMAT_XLSX)[0] == "=1+1"
