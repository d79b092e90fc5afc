"""The learner's CE transcript: every certificate with its hours, for a date range."""

from dataclasses import dataclass
from datetime import date

from django import forms
from django.template.loader import render_to_string

from .models import Certificate
from .pdf import html_to_pdf


class TranscriptRangeForm(forms.Form):
    start = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            raise forms.ValidationError("The start date is after the end date.")
        return cleaned


@dataclass(frozen=True)
class Transcript:
    learner_name: str
    start: date | None
    end: date | None
    certificates: list

    @property
    def total_hours(self):
        return sum((c.ce_hours for c in self.certificates if not c.is_revoked), start=0)


def build_transcript(user, start=None, end=None):
    """Certificates completed in the range (inclusive), oldest first."""
    certificates = Certificate.objects.filter(user=user).order_by("completed_on", "issued_at")
    if start:
        certificates = certificates.filter(completed_on__gte=start)
    if end:
        certificates = certificates.filter(completed_on__lte=end)
    return Transcript(user.legal_name or user.email, start, end, list(certificates))


TRANSCRIPT_HEADER = [
    "completed on",
    "course",
    "course type",
    "CE hours",
    "provider",
    "NCBTMB provider",
    "certificate code",
    "status",
    "verification URL",
]


def transcript_rows(transcript):
    """The transcript's rows for a spreadsheet, ending with the total."""
    rows = [
        [
            c.completed_on.isoformat(),
            c.course_title,
            c.course_type,
            c.ce_hours,
            c.provider_name,
            c.provider_number,
            c.display_code,
            c.status,
            c.verification_url(),
        ]
        for c in transcript.certificates
    ]
    return [*rows, [], ["total CE hours (valid certificates)", transcript.total_hours]]


def transcript_pdf(transcript):
    return html_to_pdf(
        render_to_string("certificates/transcript_pdf.html", {"transcript": transcript})
    )
