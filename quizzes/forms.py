from django import forms
from django.db import IntegrityError, transaction

from .models import CourseEvaluation

RATING_FIELDS = ["objectives_met", "instructor_knowledge", "relevance", "hours_fair"]


class EvaluationForm(forms.ModelForm):
    """The course evaluation. Each rating is a radio group of the five answers only: no empty
    "---------" choice and nothing chosen in advance, so the learner picks every answer."""

    class Meta:
        model = CourseEvaluation
        fields = [*RATING_FIELDS, "minutes_taken", "comments"]
        widgets = {
            **dict.fromkeys(RATING_FIELDS, forms.RadioSelect),
            "minutes_taken": forms.NumberInput(attrs={"inputmode": "numeric", "min": 5}),
        }
        help_texts = {"comments": "What worked, what didn't, what you would add."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in RATING_FIELDS:
            # A model field with choices gives the form a blank first choice, which the
            # radio widget would render, and check, since the field starts empty.
            self.fields[name].choices = CourseEvaluation.RATINGS

    def save_for(self, enrollment):
        """Save once per enrollment; a repeated submission keeps the first."""
        evaluation = self.save(commit=False)
        evaluation.enrollment = enrollment
        try:
            with transaction.atomic():
                evaluation.save()
        except IntegrityError:
            return CourseEvaluation.objects.get(enrollment=enrollment)
        return evaluation
