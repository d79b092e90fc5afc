import pytest

from courses.enrollment import EnrollmentRefused, enroll
from courses.models import Enrollment, ModulePage
from tests.concurrency import needs_postgresql, race
from tests.conftest import build_course
from tests.factories import UserFactory


def enroll_url(course):
    return course.url + "enroll/"


def test_enroll_button_enrolls_once_and_opens_the_first_module(client, learner, course):
    client.force_login(learner)
    assert "Enroll</button>" in client.get(course.url).text
    response = client.post(enroll_url(course))
    first = ModulePage.objects.child_of(course).order_by("path").first()
    assert response.url == first.url
    client.post(enroll_url(course))  # a double click
    assert Enrollment.objects.filter(user=learner, course=course).count() == 1
    assert "You are enrolled" in client.get(course.url).text


def test_enroll_by_get_changes_nothing(client, learner, course):
    client.force_login(learner)
    assert client.get(enroll_url(course)).status_code == 302
    assert not Enrollment.objects.exists()


def test_anonymous_visitors_log_in_and_come_back(client, course):
    page = client.get(course.url).text
    assert f"/accounts/login/?next={course.url}" in page
    response = client.post(enroll_url(course))
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/?next=")
    assert not Enrollment.objects.exists()


def test_prerequisites_are_enforced_with_a_message(client, learner, catalog):
    basics = build_course(catalog, modules=1, title="Basics")
    advanced = build_course(catalog, modules=1, title="Advanced")
    advanced.prerequisite_courses.add(basics)
    advanced.save()
    client.force_login(learner)
    assert "Before you can enroll, complete" in client.get(advanced.url).text
    response = client.post(enroll_url(advanced), follow=True)
    assert "Complete “Basics” before enrolling" in response.text
    assert not Enrollment.objects.filter(course=advanced).exists()

    done, _ = enroll(learner, basics)
    Enrollment.objects.filter(pk=done.pk).update(completed_at=done.enrolled_at)
    client.post(enroll_url(advanced))
    assert Enrollment.objects.filter(course=advanced, user=learner).exists()


def test_unpublished_courses_refuse_enrollment(learner, course):
    course.unpublish()
    with pytest.raises(EnrollmentRefused, match="not open"):
        enroll(learner, course)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_enrollments_make_one(catalog):
    needs_postgresql()
    course = build_course(catalog, modules=1, title="Race")
    learner = UserFactory()
    results, errors = race(2, lambda: enroll(learner, course))
    assert not errors and len(results) == 2
    assert Enrollment.objects.filter(user=learner, course=course).count() == 1
    assert sorted(created for _, created in results) == [False, True]
    assert results[0][0].pk == results[1][0].pk


def test_pages_with_learner_records_cannot_be_deleted(client, admin_user, learner, course):
    from django.urls import reverse

    from courses.progress import record_view

    module = ModulePage.objects.child_of(course).first()
    enrollment, _ = enroll(learner, course)
    record_view(enrollment, module)
    client.force_login(admin_user)
    for page in (course, module):
        response = client.post(reverse("wagtailadmin_pages:delete", args=[page.id]), follow=True)
        assert "cannot be deleted" in response.text
        assert type(page).objects.filter(id=page.id).exists()
    untouched = ModulePage.objects.child_of(course).exclude(id=module.id).first()
    client.post(reverse("wagtailadmin_pages:delete", args=[untouched.id]))
    assert not ModulePage.objects.filter(id=untouched.id).exists()
