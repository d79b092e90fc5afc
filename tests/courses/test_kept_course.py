"""Courses are kept for the content generation (courses.models.kept_courses): quiz starts and
completion checks read no page tables, and any change to a course's live row is seen at once."""

import pytest

from cms.page_cache import generation
from courses.models import CoursePage, ModulePage, kept_course, kept_courses


def test_a_course_is_read_once_per_generation(course, django_assert_num_queries):
    first = kept_course(course.id)
    assert first == course and first.title == course.title
    module = ModulePage.objects.child_of(course).first()
    with django_assert_num_queries(0):
        assert kept_course(course.id).title == course.title
        assert module.course.id == course.id
    assert kept_courses([course.id, 10**9]) == {course.id: course}
    with pytest.raises(CoursePage.DoesNotExist):
        kept_course(10**9)


def test_publishing_or_saving_a_course_is_seen_at_once(course):
    kept_course(course.id)
    course.title = "Neuromuscular therapy, revised"
    course.save_revision().publish()
    assert kept_course(course.id).title == "Neuromuscular therapy, revised"

    course.evaluation_required = not course.evaluation_required
    course.save()  # a save of the live row outside publishing
    assert kept_course(course.id).evaluation_required == course.evaluation_required


def test_a_draft_leaves_the_kept_course_and_the_generation_alone(course):
    kept_course(course.id)
    before = generation()
    course.title = "A draft title nobody sees yet"
    course.save_revision()
    assert generation() == before
    assert kept_course(course.id).title != "A draft title nobody sees yet"
