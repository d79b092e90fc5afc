from django.conf import settings


def absolute_url(path=""):
    """The site's public address (BASE_URL) joined with a path, for emails, PDFs and
    credentials that are read away from the site."""
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path
