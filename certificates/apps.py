from django.apps import AppConfig


class CertificatesConfig(AppConfig):
    name = "certificates"

    def ready(self):
        from . import receivers  # noqa: F401 - connects the signal receivers
