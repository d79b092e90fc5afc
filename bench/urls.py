"""The site's URLs with one bare Django view in front: the baseline for throughput ratios."""

from django.http import HttpResponse
from django.urls import path

from cms.urls import urlpatterns as site_urlpatterns


def ok(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/ok", ok, name="bench-ok"), *site_urlpatterns]
