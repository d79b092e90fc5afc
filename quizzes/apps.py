from django.apps import AppConfig


class QuizzesConfig(AppConfig):
    name = "quizzes"

    def ready(self):
        from cms.page_cache import DRAFT_BOOKKEEPING_FIELDS, invalidate_on

        from . import receivers  # noqa: F401 - connects the signal receivers
        from .models import Quiz

        # Module pages keep which live quiz a module has: publishing, unpublishing or deleting
        # a quiz (or an import writing it) starts a new generation; saving a draft revision,
        # which writes only bookkeeping on the live row, does not.
        invalidate_on(Quiz, except_saves_of=DRAFT_BOOKKEEPING_FIELDS)
