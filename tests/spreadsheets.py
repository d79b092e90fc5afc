"""Reading downloaded CSV and xlsx files back, in tests."""

import csv
import io

from openpyxl import load_workbook


def body(response):
    """The bytes of a download, streamed (Wagtail's exports) or not."""
    return b"".join(response.streaming_content) if response.streaming else response.content


def csv_rows(response):
    return list(csv.reader(io.StringIO(body(response).decode("utf-8"))))


def xlsx_sheet(response):
    return load_workbook(io.BytesIO(body(response))).active


def xlsx_rows(response):
    return [list(row) for row in xlsx_sheet(response).iter_rows(values_only=True)]
