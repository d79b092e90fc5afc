from django.urls import path

from . import desk_views, views

app_name = "certificates"

urlpatterns = [
    path("verify/", views.verify, name="verify"),
    # Before "verify/<code>/", which would otherwise take "batch" for a code.
    path("verify/batch/", desk_views.verification_desk, name="verification_desk"),
    path("verify/<str:code>/", views.verify_code, name="verify_code"),
    path("certificates/<str:code>.pdf", views.certificate_pdf, name="pdf"),
    path("credentials/issuer", views.issuer, name="issuer"),
    path("credentials/status/<str:list_id>", views.status_list, name="status_list"),
    path("credentials/<str:code>.json", views.credential_json, name="credential"),
    path("dashboard/transcript.csv", views.transcript_as_csv, name="transcript_csv"),
    path("dashboard/transcript.pdf", views.transcript_as_pdf, name="transcript_pdf"),
]
