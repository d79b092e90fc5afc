"""Roster exports in CE Broker's upload column layout.

Columns, in order: provider number, course number, licence number, completion date
(MM/DD/YYYY), state, profession. The course number is the course's "CE Broker" approval
number when it has one, else the provider's course code. Only valid certificates are listed.
"""

import io

from openpyxl import Workbook

from cms.spreadsheets import spreadsheet_safe
from courses.models import CourseApproval

from .models import Certificate

HEADER = [
    "Provider Number",
    "Course Number",
    "License Number",
    "Date Completed",
    "State",
    "Profession",
]
PROFESSION = "Massage Therapist"


def roster_certificates(course, start=None, end=None):
    certificates = Certificate.objects.filter(course=course, status=Certificate.VALID)
    if start:
        certificates = certificates.filter(completed_on__gte=start)
    if end:
        certificates = certificates.filter(completed_on__lte=end)
    return certificates.select_related("user").order_by("completed_on", "learner_name")


def course_number(course):
    approval = CourseApproval.objects.filter(page=course, approver__icontains="CE Broker").first()
    return approval.number if approval else course.course_code


def roster_rows(course, start=None, end=None):
    number = course_number(course)
    return [
        [
            c.provider_number,
            number,
            c.user.licence_number,
            c.completed_on.strftime("%m/%d/%Y"),
            c.user.licence_state,
            PROFESSION,
        ]
        for c in roster_certificates(course, start, end)
    ]


def roster_xlsx(rows):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Roster"
    sheet.append(HEADER)
    for row in rows:
        sheet.append([spreadsheet_safe(v) for v in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
