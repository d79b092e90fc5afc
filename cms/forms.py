"""Form fields shared by every app."""

from django import forms
from django.db.models import Model

from wagtail.images.widgets import AdminImageChooser

# The largest value a 64-bit primary key can hold.
MAX_ID = 2**63 - 1


def is_lookup_id(value):
    """Whether `value` is an id the database can look up: ASCII digits within 64 bits."""
    text = str(value).strip()
    return text.isascii() and text.isdigit() and int(text) <= MAX_ID


class IdChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField that refuses an id the database could not even look up.

    Django's own field passes any digit string to the query; on SQLite a number past 64 bits
    raises OverflowError (a server error) instead of "not found". Here it is the ordinary
    "Select a valid choice" message.
    """

    def to_python(self, value):
        if value not in self.empty_values and not is_lookup_id(value):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return super().to_python(value)


class ImageChooser(AdminImageChooser):
    """Wagtail's image chooser, safe against a tampered id.

    Re-rendering a refused form, Wagtail's widget looks the posted id up and fails with a
    server error when it is not a number. Such an id is shown as no image here; the form
    field itself refuses it ("Select a valid choice"), so nothing is saved.
    """

    def get_instance(self, value):
        if value is not None and not isinstance(value, Model) and not is_lookup_id(value):
            return None
        return super().get_instance(value)
