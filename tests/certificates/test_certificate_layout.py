"""The certificate's layout: one landscape page whatever the length of the learner's name or
the course title, every required fact still on it, and nothing printed outside the area that
US Letter and A4 share (docs/design.md)."""

import io
import re
from decimal import Decimal

import pytest

from certificates.pdf import monogram, render_pdf, size_step

LETTER_LANDSCAPE = (792, 612)  # points
A4_LANDSCAPE = (841.89, 595.28)

LONG_NAME = "Maria-Fernanda Alejandra de los Santos Villanueva-Ramírez y Castellanos-Oyelaran"
LONG_TITLE = (
    "Neuromuscular Therapy Foundations: The Principles of NMT, Trigger Points, Ischemic "
    "Compression, Nerve Entrapment and Postural Distortion in Clinical Practice for Licensed "
    "Massage Therapists (Home Study Edition)"
)


def squeezed(text):
    """Text without whitespace: a long name may wrap after a hyphen or between words."""
    return re.sub(r"\s+", "", text)


def render(certificate, **changes):
    from pypdf import PdfReader

    for field, value in changes.items():
        setattr(certificate, field, value)
    data = render_pdf(certificate)
    return data, PdfReader(io.BytesIO(data))


@pytest.mark.parametrize(
    "name, title",
    [
        (LONG_NAME, LONG_TITLE),
        # The longest the snapshot fields hold: 200 and 255 characters.
        (
            ("Bartholomew Wolfeschlegelsteinhausenbergerdorff " * 5)[:200].strip(),
            "T" * 10 + (" Advanced Neuromuscular Therapy Protocols" * 7)[:245],
        ),
    ],
)
def test_long_name_and_title_stay_on_one_landscape_page(certificate, name, title):
    certificate.approvals = [
        ["NCBTMB", "123456-00"],
        ["Florida Board of Massage Therapy CE Broker", "50-12345"],
        ["Texas Department of Licensing and Regulation", "CE-98765"],
    ]
    certificate.ce_hours = Decimal("124.75")
    _, reader = render(certificate, learner_name=name, course_title=title)
    assert len(reader.pages) == 1
    page = reader.pages[0]
    assert (float(page.mediabox.width), float(page.mediabox.height)) == LETTER_LANDSCAPE
    text = squeezed(page.extract_text())
    for fact in (
        name,
        title,
        "Certificate of Achievement",
        "124.75 CEs",
        certificate.provider_name,
        certificate.provider_number,
        certificate.display_code,
        "Texas Department of Licensing and Regulation approval CE-98765",
    ):
        assert squeezed(fact) in text, fact
    assert "CEU" not in text


def test_everything_printed_fits_on_a4_too(certificate):
    """Centred on A4 landscape at actual size, the Letter page loses 8.3 pt at the top and
    bottom (and gains 25 pt at each side): nothing may be drawn in those strips."""
    import pypdfium2

    data, _ = render(certificate, learner_name=LONG_NAME, course_title=LONG_TITLE)
    page = pypdfium2.PdfDocument(data)[0]
    assert (page.get_width(), page.get_height()) == LETTER_LANDSCAPE
    cropped = (LETTER_LANDSCAPE[1] - A4_LANDSCAPE[1]) / 2
    printer_margin = 12  # points (about 4 mm) no printer can print
    boxes = [obj.get_bounds() for obj in page.get_objects(max_depth=1)]
    assert boxes
    for left, bottom, right, top in boxes:
        assert left >= printer_margin and right <= LETTER_LANDSCAPE[0] - printer_margin
        assert bottom >= cropped + printer_margin, bottom
        assert top <= LETTER_LANDSCAPE[1] - cropped - printer_margin, top


def test_name_and_title_sizes_step_down_with_length():
    assert size_step("Lee Learner", ((28, "xl"), (40, "l"))) == "xl"
    assert size_step("x" * 35, ((28, "xl"), (40, "l"))) == "l"
    assert size_step("x" * 300, ((28, "xl"), (40, "l"))) == "xs"


@pytest.mark.parametrize(
    "provider, initials",
    [
        ("NMT Continuing Education (demo provider)", "NCE"),
        ("The School of Neuromuscular Therapy", "SNT"),
        ("Avery", "A"),
        ("(only brackets)", "CE"),
    ],
)
def test_monogram_from_the_provider_name(provider, initials):
    assert monogram(provider) == initials
