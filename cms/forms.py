"""Form fields shared by every app."""

from django import forms

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
