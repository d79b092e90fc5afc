"""How a signed-in request finds its user.

Django's ModelBackend, with one change: the user of each signed-in request is read with one
query written in SQL (decision 0199's way) instead of `User.objects.get(pk=...)`. Every
signed-in page, heartbeat and quiz answer asks it first, and through the ORM building the
query cost more CPU than the query itself (0.19 of 0.56 ms in-process; decision 0206).
Signing in, permissions and everything else are ModelBackend's own.
"""

from functools import cache

from django.contrib.auth.backends import ModelBackend

from cms.sql import one_instance, quoted_names, select_list

from .models import User


class UserBackend(ModelBackend):
    def get_user(self, user_id):
        user = one_instance(User, user_sql(), [user_id])
        return user if user is not None and self.user_can_authenticate(user) else None


@cache
def user_sql():
    """The statement get_user sends, built once per process."""
    table, columns = quoted_names(User)
    return f"SELECT {select_list(User)} FROM {table} WHERE {columns['id']} = %s"  # noqa: S608  # nosec B608
