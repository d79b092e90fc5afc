"""Formatting filters shared by every app's templates: `{% load cms_format %}`."""

from django import template

from cms.text import ce_amount, ce_unit

register = template.Library()


@register.filter
def ces(hours):
    """`{{ course.ce_hours|ces }}` -> "1 CE", "2.5 CEs"."""
    return ce_amount(hours)


@register.filter
def ces_unit(hours):
    """The unit alone, "CE" or "CEs", for layouts that print it apart from the number."""
    return ce_unit(hours)


@register.filter
def full_stop(text):
    """The text ending in one full stop: 'Vogel S, et al.' stays, 'Lewit K' gets one."""
    text = str(text).strip()
    return text if text.endswith((".", "?", "!")) else f"{text}."
