"""Instructors are snippets edited in the admin; their photo chooser refuses a tampered id
with a message instead of a server error (cms.forms.ImageChooser)."""

from django.urls import reverse

import pytest

from courses.models import Instructor


@pytest.mark.parametrize("value", ["abc", " ", "1e309", "9" * 40, "999999"])
def test_a_tampered_photo_id_is_refused_not_a_server_error(client, admin_user, value):
    client.force_login(admin_user)
    url = reverse("wagtailsnippets_courses_instructor:add")
    response = client.post(url, {"name": "Dr Tampered", "credentials": "LMT", "photo": value})
    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    assert not Instructor.objects.filter(name="Dr Tampered").exists()


def test_an_instructor_is_added_with_a_photo_left_empty(client, admin_user):
    client.force_login(admin_user)
    url = reverse("wagtailsnippets_courses_instructor:add")
    response = client.post(url, {"name": "Dr Plain", "credentials": "LMT", "photo": ""})
    assert response.status_code == 302
    assert Instructor.objects.filter(name="Dr Plain").exists()
