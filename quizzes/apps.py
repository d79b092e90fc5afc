from django.apps import AppConfig


class QuizzesConfig(AppConfig):
    name = "quizzes"

    def ready(self):
        from cms.page_cache import DRAFT_BOOKKEEPING_FIELDS, invalidate_on

        from . import receivers  # noqa: F401 - connects the signal receivers
        from .models import Choice, Question, Quiz

        # Module pages keep which live quiz a module has: publishing, unpublishing or deleting
        # a quiz (or an import writing it) starts a new generation; saving a draft revision,
        # which writes only bookkeeping on the live row, does not.
        invalidate_on(Quiz, except_saves_of=DRAFT_BOOKKEEPING_FIELDS)
        # Starts keep the live question pool (quizzes.attempts.question_pool). Questions and
        # choices are written only when a quiz is published or imported (drafts live in
        # revisions), so any write of one is a change learners are served.
        invalidate_on(Question, Choice)
