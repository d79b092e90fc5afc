from django.apps import AppConfig


class QuizzesConfig(AppConfig):
    name = "quizzes"

    def ready(self):
        from cms.page_cache import invalidate_on

        from . import receivers  # noqa: F401 - connects the signal receivers
        from .models import Quiz

        invalidate_on(Quiz)  # module pages keep which quiz a module has
