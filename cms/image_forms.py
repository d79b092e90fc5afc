"""The form of every image upload in the admin (add, multiple add, chooser upload, replacing
an image's file): Wagtail's, with SVGs checked (cms/svg.py). Installed through Wagtail's
WAGTAILIMAGES_IMAGE_FORM_BASE setting."""

from django import forms
from django.core.files.uploadedfile import UploadedFile

from wagtail.images.forms import BaseImageForm

from .svg import looks_like_svg, svg_upload_problem


def refuse_unsafe_svg(file):
    """Raise a ValidationError, saying what to remove, for an uploaded SVG that could run
    code or fetch from elsewhere; anything else passes."""
    if not isinstance(file, UploadedFile):
        return
    file.seek(0)
    data = file.read()
    file.seek(0)
    if not looks_like_svg(data, file.name or ""):
        return
    problem = svg_upload_problem(data)
    if problem:
        raise forms.ValidationError(
            f"This SVG {problem}. SVG images may not contain scripts, event handlers "
            "(on... attributes), embedded content or references to other files or "
            "addresses. Remove them (or export the image as PNG) and upload it again.",
            code="unsafe_svg",
        )


class ImageForm(BaseImageForm):
    def clean_file(self):
        file = self.cleaned_data.get("file")
        refuse_unsafe_svg(file)
        return file
