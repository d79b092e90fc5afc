"""Deleting a user in the Wagtail admin never deletes learning records.

The provider must keep completions, attempts and certificates for six years, and those rows
protect their user from deletion. So an administrator's "delete" of a user who has such
records closes the account instead: personal details removed, records kept and still linked
(accounts/closing.py). Users without records (a mistyped staff account, say) are deleted.
"""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db import router
from django.db.models.deletion import Collector, ProtectedError, RestrictedError
from django.shortcuts import redirect

from wagtail import hooks
from wagtail.log_actions import log

from .closing import close_account

CLOSE_BY_ADMIN = "nmt.account.close"


def has_kept_records(user):
    """Whether deleting this user would take records that must be kept (protected rows)."""
    collector = Collector(using=router.db_for_write(type(user)))
    try:
        collector.collect([user])
    except (ProtectedError, RestrictedError):
        return True
    return False


def close_instead_of_deleting(request, user):
    close_account(user)
    log(user, CLOSE_BY_ADMIN, user=request.user)


@hooks.register("before_delete_user")
def keep_records_when_deleting_a_user(request, user):
    if request.method != "POST" or not has_kept_records(user):
        return None
    close_instead_of_deleting(request, user)
    messages.success(
        request,
        "This learner has records the provider must keep (enrollments, attempts, "
        "certificates), so the account was closed and its personal details removed instead "
        "of being deleted.",
    )
    return redirect("wagtailusers_users:index")


@hooks.register("before_bulk_action")
def keep_records_when_deleting_users(request, action_type, objects, action):
    if action_type != "delete" or action.model is not get_user_model():
        return None
    kept = [user for user in objects if has_kept_records(user)]
    if not kept:
        return None
    for user in kept:
        close_instead_of_deleting(request, user)
    others = [user.pk for user in objects if user not in kept]
    get_user_model().objects.filter(pk__in=others).delete()
    messages.success(
        request,
        f"{len(kept)} account(s) with records the provider must keep were closed and "
        f"anonymised instead of deleted; {len(others)} other account(s) were deleted.",
    )
    return redirect("wagtailusers_users:index")


@hooks.register("register_log_actions")
def account_log_actions(actions):
    actions.register_action(
        CLOSE_BY_ADMIN, "Close account (records kept)", "Account closed, records kept"
    )
