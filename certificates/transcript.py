"""The learner's CE transcript: every certificate with its hours, for a date range."""

from dataclasses import dataclass
from datetime import date

from django import forms
from django.template.loader import render_to_string

from .models import Certificate, licence_facts
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
    # The learner's licence as the profile gives it now: the transcript is made for the
    # renewal of the licence the learner holds today (each certificate keeps its own).
    licence_number: str = ""
    licence_state: str = ""
    ncbtmb_number: str = ""

    @property
    def licence_facts(self):
        """The learner's licence facts as (label, value) pairs, only those given."""
        return licence_facts(self.licence_number, self.licence_state, self.ncbtmb_number)

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
    return Transcript(
        user.legal_name or user.email,
        start,
        end,
        list(certificates),
        licence_number=user.licence_number.strip(),
        licence_state=user.licence_state.strip(),
        ncbtmb_number=user.ncbtmb_number.strip(),
    )


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
    # The learner's facts, on every row so each row stands alone in a spreadsheet; appended
    # so the columns before keep their places.
    "learner",
    "licence number",
    "licence state",
    "NCBTMB number",
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
            transcript.learner_name,
            transcript.licence_number,
            transcript.licence_state,
            transcript.ncbtmb_number,
        ]
        for c in transcript.certificates
    ]
    return [*rows, [], ["total CE hours (valid certificates)", transcript.total_hours]]


def transcript_pdf(transcript):
    return html_to_pdf(
        render_to_string("certificates/transcript_pdf.html", {"transcript": transcript})
    )
