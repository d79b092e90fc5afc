from django.apps import AppConfig


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = "Courses"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from cms.page_cache import PAGE_DRAFT_BOOKKEEPING_FIELDS, invalidate_on

        from .models import CoursePage, Instructor, Principle

        invalidate_on(Instructor, Principle)  # shown on course and catalog pages
        # Courses are kept for the generation (kept_courses): a save of the live row moves it.
        invalidate_on(CoursePage, except_saves_of=PAGE_DRAFT_BOOKKEEPING_FIELDS)

        from wagtail.signals import page_published

        from .renditions import make_figure_renditions

        page_published.connect(make_figure_renditions, dispatch_uid="figure-renditions")
