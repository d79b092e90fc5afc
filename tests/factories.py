"""Factories for the whole suite, one section per app, with lazy values."""

from decimal import Decimal

from django.utils import timezone

import factory
import wagtail_factories
from factory.django import DjangoModelFactory

from accounts.models import User
from courses.models import CourseIndexPage, CoursePage, Instructor, ModulePage


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    legal_name = factory.Faker("name")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")
    # Confirmed, so a final exam is open to them; pass None for a learner who has not.
    email_confirmed_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class InstructorFactory(DjangoModelFactory):
    class Meta:
        model = Instructor

    name = factory.Faker("name")
    credentials = "LMT"
    bio = factory.LazyAttribute(lambda o: f"<p>{o.name} teaches NMT.</p>")


class CourseIndexPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = CourseIndexPage

    title = "Courses"
    slug = "courses"


class CoursePageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = CoursePage

    title = factory.Sequence(lambda n: f"Course {n}")
    slug = factory.LazyAttribute(lambda o: o.title.lower().replace(" ", "-"))
    approved_title = factory.LazyAttribute(lambda o: f"{o.title}: approved")
    summary = factory.Faker("sentence")
    ce_hours = Decimal("1.00")
    course_type = CoursePage.HOME_STUDY
    course_code = factory.Sequence(lambda n: f"NMT-{100 + n}")


def _body(module):
    return [
        {"type": "text", "value": f"<h2>About {module.title}</h2><p>{module.summary}</p>"},
        {
            "type": "callout",
            "value": {
                "kind": "contraindication",
                "title": "Take care",
                "body": "<p>Avoid sustained pressure over varicose veins.</p>",
            },
        },
    ]


class ModulePageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = ModulePage

    title = factory.Sequence(lambda n: f"Module {n}")
    slug = factory.LazyAttribute(lambda o: o.title.lower().replace(" ", "-"))
    summary = factory.Faker("sentence")
    estimated_minutes = 5
    body = factory.LazyAttribute(_body)
