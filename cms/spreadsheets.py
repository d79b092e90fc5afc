"""Helpers for files people open in spreadsheets."""

import csv

from django.http import HttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """A cell value that a spreadsheet will show as text, never run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_response(filename, header, rows):
    """A CSV download whose every cell is spreadsheet-safe."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(header)
    for row in rows:
        writer.writerow([spreadsheet_safe(value) for value in row])
    return response


class SpreadsheetSafeExportMixin:
    """For a view built on Wagtail's SpreadsheetExportMixin (its reports, listings and
    viewsets): every CSV cell is spreadsheet-safe, like every CSV the project writes.

    Wagtail writes CSV cells as they are. Its xlsx cells are stored as text (it turns what
    openpyxl would take for a formula back into a string), so they are left as they are.
    The escaping wraps `preprocess_field_value`, the step every cell goes through, after
    any `custom_field_preprocess` or `custom_value_preprocess` function, so a column added
    later is covered without a word."""

    def preprocess_field_value(self, field, value, export_format):
        value = super().preprocess_field_value(field, value, export_format)
        return spreadsheet_safe(value) if export_format == self.FORMAT_CSV else value
