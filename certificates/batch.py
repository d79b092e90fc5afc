"""Checking many codes at once: the verification desk (`/verify/batch/`).

- Reading codes: `codes_from_text` (a pasted list, one code a line) and `codes_from_upload` /
  `codes_from_csv` (a CSV file: the column headed "code", else the first column). Input the
  desk refuses raises `BatchError` with a message for the person, before anything is looked
  up or logged.
- Checking: `look_up` finds every code in one query and folds duplicates together as the bulk
  API does (batch_dedupe.distinct_codes), so `log_distinct` writes one verification log row
  per distinct code, while the results keep one row per submitted code, in order.
  `verify_batch` does both for the desk, on the desk's log channel and with the signed-in
  user.
- Writing results: `export_rows` (for the project's spreadsheet-safe CSV writer) and
  `results_xlsx`.
"""

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django import forms
from django.utils import timezone

from openpyxl import Workbook

from cms.spreadsheets import FORMULA_STARTS, spreadsheet_safe
from cms.text import without_control_characters

from .audit import log_lookups, result_of
from .batch_dedupe import distinct_codes
from .codes import MalformedCode, normalize
from .lookup import find_many
from .models import VerificationLog

ASSOCIATION_STAFF = "Association staff"  # the group made by migration 0010
DESK_PERMISSION = "certificates.use_verification_desk"
MAX_CODES = 1000
MAX_FILE_BYTES = 2 * 1024 * 1024  # 1,000 rows of a wide export fit many times over
MAX_PASTE_CHARS = 100_000  # 1,000 codes as typed, with room to spare
SHOWN_CHARS = 64  # a longer cell is malformed anyway (codes.normalize): keep its start only
FILE_SUFFIXES = (".csv", ".txt", ".tsv")
HEADER_WORDS = {"code", "codes", "certificate", "certificates", "verification", "number", "id"}
NOTHING_CHECKED = "Nothing was checked."
_INNER_BREAKS = re.compile(r"[\t\n\r\x0b\x0c]")


class BatchError(ValueError):
    """Input the desk refuses; the message says why and what to do."""


def can_use_desk(user):
    """Whether a user may use the verification desk: association staff and superusers."""
    return user.is_authenticated and user.has_perm(DESK_PERMISSION)


# Reading codes -------------------------------------------------------------------------------


def submitted_text(cell):
    """A code as submitted, trimmed and safe to show, store and write to a spreadsheet.

    Line breaks and tabs inside it read as spaces (which codes.normalize ignores, as it does
    hyphens); other control characters become U+FFFD, which no code contains. Text longer
    than any code is cut, keeping the result (malformed) the same.
    """
    text = without_control_characters(_INNER_BREAKS.sub(" ", cell), "\ufffd").strip()
    if len(text) > SHOWN_CHARS:
        text = text[:SHOWN_CHARS] + "…"
    return text


def within_limits(codes, source):
    """The codes, if there are some and no more than MAX_CODES; BatchError otherwise."""
    if not codes:
        raise BatchError(f"No codes found in {source}. {NOTHING_CHECKED}")
    if len(codes) > MAX_CODES:
        raise BatchError(
            f"{source[0].upper()}{source[1:]} has {len(codes):,} codes; the desk checks at "
            f"most {MAX_CODES:,} at a time. Split them into smaller batches. {NOTHING_CHECKED}"
        )
    return codes


def codes_from_text(text):
    """The codes of a pasted list: one a line, blank lines ignored."""
    if len(text) > MAX_PASTE_CHARS:
        raise BatchError(
            f"The pasted text is longer than {MAX_PASTE_CHARS:,} characters; paste at most "
            f"{MAX_CODES:,} codes, one a line. {NOTHING_CHECKED}"
        )
    codes = [submitted_text(line) for line in text.splitlines()]
    return within_limits([code for code in codes if code], "the pasted text")


def codes_from_upload(upload):
    """The codes of an uploaded CSV file (a Django UploadedFile): see codes_from_csv."""
    if not upload.name.lower().endswith(FILE_SUFFIXES):
        raise BatchError(
            "Choose a CSV file (a name ending in .csv), or paste the codes instead. "
            + NOTHING_CHECKED
        )
    if upload.size > MAX_FILE_BYTES:
        raise BatchError(too_big_message())
    return codes_from_csv(upload.read(MAX_FILE_BYTES + 1))


def too_big_message():
    return (
        f"This file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB. The desk checks at "
        f"most {MAX_CODES:,} codes at a time: keep only the code column, or split the file. "
        + NOTHING_CHECKED
    )


def decoded(data):
    """The text of a CSV file's bytes: UTF-8, with or without a byte order mark."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise BatchError(
            "This file is saved as UTF-16 (“Unicode text”), not UTF-8. Save it as "
            "“CSV UTF-8 (Comma delimited)” and upload it again. " + NOTHING_CHECKED
        )
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise BatchError(
            "This is an Excel workbook, not a CSV file. In Excel choose “Save As” and "
            "“CSV UTF-8 (Comma delimited)”, then upload that file. " + NOTHING_CHECKED
        )
    if b"\x00" in data:
        raise BatchError(
            "This is not a CSV text file (it holds binary data). Save the list as "
            "“CSV UTF-8 (Comma delimited)” and upload it again. " + NOTHING_CHECKED
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise BatchError(
            f"This file is not UTF-8 text: line {line} has a character in another encoding "
            "(such as Windows-1252 or Latin-1). In Excel choose “Save As” and “CSV UTF-8 "
            "(Comma delimited)”; other programs offer UTF-8 when saving. " + NOTHING_CHECKED
        ) from None


def dialect_of(text):
    """Comma-separated unless the file is plainly separated by semicolons or tabs."""
    try:
        return csv.Sniffer().sniff(text[:8192], delimiters=",;\t")
    except csv.Error:  # one column, or nothing to tell by
        return csv.excel


def is_printed_code(text):
    """Whether a text is a code as certificates print it (Crockford's letters only, no I, L,
    O or U): "Verification code" reads as a code once typos are mapped, but is no code."""
    try:
        code = normalize(text)
    except MalformedCode:
        return False
    return code == re.sub(r"[\s\-_.]", "", text).upper()


def is_header(cell):
    """A first-row cell naming its column ("Code", "Certificate code"), not a code."""
    words = set(re.findall(r"[a-z]+", cell.casefold()))
    return not is_printed_code(cell) and bool(words & HEADER_WORDS)


def code_column(first_row):
    """(column index, whether the first row is a header) for a file's first row: the column
    headed "code" (any case), else the first column headed like a code column ("Certificate
    code"), else the first column."""
    names = [cell.strip().casefold() for cell in first_row]
    if "code" in names:
        return names.index("code"), True
    for index, cell in enumerate(first_row):
        if "code" in re.findall(r"[a-z]+", cell.casefold()) and is_header(cell):
            return index, True
    return 0, bool(first_row) and is_header(first_row[0])


def column_letter(index):
    """A spreadsheet's name for a column: A, B, ... Z, AA, AB, ..."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def formula_message(row, column, cell):
    first = {"\t": "a tab", "\r": "a carriage return"}.get(cell[0], f"“{cell[0]}”")
    return (
        f"Row {row}, column {column_letter(column)} starts with {first}, so a spreadsheet "
        "would run it as a formula. Remove that character (codes start with a letter or a "
        "digit) and upload the file again. " + NOTHING_CHECKED
    )


def codes_from_csv(data):
    """The codes of a CSV file's bytes, in order.

    UTF-8 only (with or without a byte order mark). The codes are read from the column headed
    "code" (any case, see code_column), else from the first column; a first row that names
    the column is skipped. Blank rows and empty cells are ignored. A code cell that starts
    like a spreadsheet formula (= + - @, a tab or a carriage return) refuses the whole file;
    other columns are never read, shown or written back.
    """
    if len(data) > MAX_FILE_BYTES:
        raise BatchError(too_big_message())
    text = decoded(data)
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), dialect_of(text)))
    except csv.Error as error:
        raise BatchError(
            f"This file could not be read as CSV ({error}). Save it as “CSV UTF-8 (Comma "
            "delimited)” and upload it again. " + NOTHING_CHECKED
        ) from None
    filled = [n for n, row in enumerate(rows) if any(cell.strip() for cell in row)]
    if not filled:
        raise BatchError(f"No codes found in this file. {NOTHING_CHECKED}")
    first = filled[0]
    column, has_header = code_column(rows[first])
    codes = []
    for n in range(first, len(rows)):
        row = rows[n]
        cell = row[column] if column < len(row) else ""
        if cell.startswith(FORMULA_STARTS):
            raise BatchError(formula_message(n + 1, column, cell))
        if has_header and n == first:
            continue
        code = submitted_text(cell)
        if code:
            codes.append(code)
    return within_limits(codes, "this file")


class BatchForm(forms.Form):
    """The desk's form: a CSV file or a pasted list (one of them). Its cleaned `codes` are
    the submitted codes, in order; refused input leaves a message on the field it came from."""

    file = forms.FileField(
        label="CSV file",
        required=False,
        help_text=(
            f"Up to {MAX_CODES:,} codes, saved as CSV UTF-8. The codes are read from the column "
            "headed “code”, or else from the first column."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,text/csv,text/plain"}),
    )
    codes = forms.CharField(
        label="Or paste codes",
        required=False,
        strip=False,
        help_text=f"One code a line, up to {MAX_CODES:,}. Case and hyphens don’t matter.",
        widget=forms.Textarea(
            attrs={"rows": 8, "spellcheck": "false", "autocomplete": "off", "class": "code"}
        ),
    )

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        text = cleaned.get("codes") or ""
        if self.errors:
            return cleaned
        if upload and text.strip():
            raise forms.ValidationError(
                "Choose a file or paste codes, not both. " + NOTHING_CHECKED
            )
        field = "file" if upload else "codes"
        try:
            if upload:
                cleaned["codes"] = codes_from_upload(upload)
            elif text.strip():
                cleaned["codes"] = codes_from_text(text)
            else:
                raise BatchError("Choose a CSV file or paste at least one code.")
        except BatchError as error:
            self.add_error(field, str(error))
        return cleaned


# Checking ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Lookup:
    """One distinct code's lookup: the text it was first submitted as and what was found."""

    text: str
    code: str | None  # the normalised code; None when the text is not a code
    certificate: object = None
    error: str = ""

    @property
    def result(self):
        """valid, revoked, not_found or malformed (VerificationLog.RESULTS)."""
        return result_of(self.certificate, malformed=self.code is None)


def look_up(texts):
    """(the batch, as batch_dedupe.distinct_codes groups it; one Lookup per distinct code,
    in first-seen order). `batch.spread` gives one per submitted text, in order.

    One query (or none, from the cache) for all of them. Texts that name the same code share
    a Lookup, by the rule the bulk API uses (batch_dedupe.distinct_codes): case, separators
    and look-alike letters do not matter; a malformed text is the same only as itself.
    """
    batch = distinct_codes(texts)
    normalized, found = find_many(batch.firsts)
    distinct = []
    for text in batch.firsts:
        value = normalized[text]
        if isinstance(value, MalformedCode):
            distinct.append(Lookup(text, None, error=str(value)))
        else:
            distinct.append(Lookup(text, value, found.get(value)))
    return batch, distinct


def log_distinct(request, channel, lookups, api_key=None, user=None):
    """One verification log row per distinct lookup (as typed first), in one statement."""
    log_lookups(
        request, channel, [(lookup.text, lookup.result) for lookup in lookups], api_key, user
    )


@dataclass(frozen=True)
class ResultRow:
    """What the desk answers for one submitted code."""

    number: int
    submitted: str
    lookup: Lookup

    @property
    def status(self):
        return self.lookup.result

    @property
    def status_label(self):
        return STATUS_LABELS[self.status]

    @property
    def certificate(self):
        return self.lookup.certificate


STATUS_LABELS = dict(VerificationLog.RESULTS)


@dataclass(frozen=True)
class BatchResults:
    """A desk check: a row per submitted code, and how many distinct codes were looked up."""

    rows: list
    distinct: int

    @property
    def counts(self):
        """[(status, label, number of submitted codes)] in VerificationLog.RESULTS order."""
        tally = Counter(row.status for row in self.rows)
        return [(status, label, tally[status]) for status, label in VerificationLog.RESULTS]


def verify_batch(request, texts):
    """Check the submitted codes for the signed-in user at the desk: one lookup and one log
    row (channel "desk", with the user) per distinct code; a result row per submitted code."""
    batch, distinct = look_up(texts)
    log_distinct(request, VerificationLog.DESK, distinct, user=request.user)
    rows = [
        ResultRow(number, text, lookup)
        for number, (text, lookup) in enumerate(
            zip(texts, batch.spread(distinct), strict=True), start=1
        )
    ]
    return BatchResults(rows, len(distinct))


# Writing results -----------------------------------------------------------------------------

EXPORT_HEADER = [
    "#",
    "Submitted code",
    "Status",
    "Certificate code",
    "Learner name",
    "Course title",
    "Course type",
    "CE hours",
    "Completed on",
    "Provider",
    "Provider number",
    "Instructors",
    "Revoked on",
    "Revocation reason",
    "Verification URL",
]


def revoked_on(certificate):
    """The local date a certificate was revoked on, or None."""
    if certificate is None or not certificate.is_revoked:
        return None
    return timezone.localtime(certificate.revoked_at).date()


def export_row(row):
    """One result as spreadsheet values (dates as dates, CE hours as a number)."""
    certificate = row.certificate
    facts = [None] * 12
    if certificate is not None:
        facts = [
            certificate.display_code,
            certificate.learner_name,
            certificate.course_title,
            certificate.course_type,
            certificate.ce_hours,
            certificate.completed_on,
            certificate.provider_name,
            certificate.provider_number,
            "; ".join(certificate.instructor_names()),
            revoked_on(certificate),
            certificate.revocation_reason if certificate.is_revoked else None,
            certificate.verification_url(),
        ]
    return [row.number, row.submitted, row.status_label, *facts]


def as_text(value):
    """A value as the CSV writes it: empty for None, ISO 8601 for dates, CE hours without
    trailing zeros ("1.5", "10")."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, date):
        return value.isoformat()
    return value


def export_rows(results):
    """The results as rows under EXPORT_HEADER, for the CSV writer (cms.spreadsheets, which
    makes every cell spreadsheet-safe)."""
    return [[as_text(value) for value in export_row(row)] for row in results.rows]


def results_xlsx(results):
    """The results as an Excel workbook (bytes); text that looks like a formula is kept as
    text (cms.spreadsheets.spreadsheet_safe), as in every file the project writes."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Verification results"
    sheet.append(EXPORT_HEADER)
    for row in results.rows:
        sheet.append([spreadsheet_safe(value) for value in export_row(row)])
    for cells in sheet.iter_cols(min_col=9, max_col=9, min_row=2):  # Completed on
        for cell in cells:
            cell.number_format = "yyyy-mm-dd"
    for cells in sheet.iter_cols(min_col=13, max_col=13, min_row=2):  # Revoked on
        for cell in cells:
            cell.number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
