import os

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.base")

application = get_wsgi_application()

# Refuse to serve at start-up rather than at the first request that needs the key.
try:
    settings.SECRET_KEY  # noqa: B018 - Django refuses an empty key when it is read
except ImproperlyConfigured as error:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.") from error
