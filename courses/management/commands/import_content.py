from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from courses.content_import import import_all
from courses.content_source import ContentSourceError, load_all_courses


class Command(BaseCommand):
    help = "Import the course content sources (content/) as Wagtail pages, through revisions."

    def add_arguments(self, parser):
        parser.add_argument(
            "--source",
            default=str(settings.CONTENT_SOURCE_DIR),
            help="Folder holding one sub-folder per course (default: %(default)s).",
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="Only read and check the sources (every rule in content/README.md); "
            "import nothing.",
        )

    def handle(self, *args, source, check=False, **options):
        try:
            courses = load_all_courses(source)
        except ContentSourceError as exc:
            raise CommandError(str(exc)) from exc
        if not courses:
            raise CommandError(f"No course.yaml found under {source}.")
        if check:
            names = ", ".join(course.slug for course in courses)
            self.stdout.write(self.style.SUCCESS(f"Content sources pass every check: {names}."))
            return
        report = import_all(courses)
        self.stdout.write(self.style.SUCCESS(f"Content imported: {report}."))
