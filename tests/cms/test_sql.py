"""cms.sql.one_instance: a model instance read with a statement written in SQL is the instance
the ORM would have read, field for field and type for type, on SQLite (through a RawQuerySet)
and on PostgreSQL (the row straight to Model.from_db)."""

from datetime import timedelta

from django.utils import timezone

import pytest

from accounts.backends import user_sql
from accounts.models import User
from cms.sql import one_instance, quoted_names, select_list
from courses.enrollment import enroll
from courses.models import ModulePage, ModuleProgress
from courses.progress import record_view

pytestmark = pytest.mark.django_db


def same_fields(loaded, stored):
    for field in type(stored)._meta.concrete_fields:
        ours, theirs = getattr(loaded, field.attname), getattr(stored, field.attname)
        assert (ours, type(ours)) == (theirs, type(theirs)), field.attname


def test_a_user_is_read_as_the_orm_reads_it(learner):
    learner.last_login = timezone.now() - timedelta(hours=3)
    learner.time_zone = "America/Chicago"
    learner.save()

    loaded = one_instance(User, user_sql(), [learner.pk])

    same_fields(loaded, User.objects.get(pk=learner.pk))
    assert loaded.last_login.tzinfo is not None
    assert loaded.check_password("correct-horse-battery")
    loaded.first_name = "Changed"
    loaded.save(update_fields=["first_name"])  # an instance the ORM can save, as it loaded it
    assert User.objects.get(pk=learner.pk).first_name == "Changed"


def test_a_row_with_foreign_keys_and_nulls_is_read_as_the_orm_reads_it(learner, course):
    module = ModulePage.objects.child_of(course).order_by("path").first()
    enrollment, _ = enroll(learner, course)
    progress = record_view(enrollment, module)
    table, columns = quoted_names(ModuleProgress)
    sql = f"SELECT {select_list(ModuleProgress, 'p')} FROM {table} p WHERE p.{columns['id']} = %s"  # noqa: S608  # nosec B608

    loaded = one_instance(ModuleProgress, sql, [progress.pk])
    same_fields(loaded, ModuleProgress.objects.get(pk=progress.pk))
    assert loaded.completed_at is None and loaded.enrollment_id == enrollment.pk

    ModuleProgress.objects.filter(pk=progress.pk).update(completed_at=timezone.now())
    same_fields(
        one_instance(ModuleProgress, sql, [progress.pk]),
        ModuleProgress.objects.get(pk=progress.pk),
    )


def test_no_row_is_none(learner):
    assert one_instance(User, user_sql(), [learner.pk + 1000]) is None
