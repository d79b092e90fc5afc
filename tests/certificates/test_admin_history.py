"""Every administrative change to a certificate (and to association keys) is in the audit
log, with who, when and why, and shows on the certificate's admin page."""

from django.urls import reverse

from wagtail.models import ModelLogEntry


def entries(instance):
    return ModelLogEntry.objects.filter(
        content_type__model=instance._meta.model_name, object_id=str(instance.pk)
    ).order_by("timestamp")


def test_issue_and_revocation_are_logged_and_shown(client, admin_user, certificate):
    assert [e.action for e in entries(certificate)] == ["nmt.certificate.issue"]
    client.force_login(admin_user)
    url = reverse("certificate_admin_detail", args=[certificate.pk])
    client.post(url, {"reason": "Completion obtained by sharing answers."})
    client.post(url, {"reason": "A second time."})  # already revoked: nothing more
    revoke = entries(certificate).get(action="nmt.certificate.revoke")
    assert revoke.user == admin_user
    assert revoke.data["reason"] == "Completion obtained by sharing answers."
    page = client.get(url).text
    assert "Certificate revoked" in page and "Completion obtained by sharing answers." in page
    assert entries(certificate).count() == 2


def test_a_refused_revocation_logs_nothing(client, admin_user, certificate):
    client.force_login(admin_user)
    url = reverse("certificate_admin_detail", args=[certificate.pk])
    assert client.post(url, {"reason": "   "}).status_code == 400
    assert not entries(certificate).filter(action="nmt.certificate.revoke").exists()


def test_association_keys_created_and_revoked_are_logged(client, admin_user, db):
    from certificates.models import AssociationApiKey

    client.force_login(admin_user)
    client.post(reverse("api_key_admin"), {"create": "1", "name": "Florida board"})
    key = AssociationApiKey.objects.get()
    client.post(reverse("api_key_admin"), {"revoke": key.pk})
    assert [(e.action, e.user) for e in entries(key)] == [
        ("nmt.api_key.create", admin_user),
        ("nmt.api_key.revoke", admin_user),
    ]
