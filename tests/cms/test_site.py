from django.db.utils import OperationalError

from tests.processes import run_python


def test_home_page_links_to_the_catalog(client, catalog):
    response = client.get("/")
    assert response.status_code == 200
    assert 'href="/courses/"' in response.text
    assert response.text.count("<h1") == 1


def test_unknown_page_is_a_friendly_404(client, catalog):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.text


def test_healthz_reports_the_database(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_says_503_when_the_database_fails(client, db, monkeypatch):
    class UnreachableDatabase:
        def cursor(self):
            raise OperationalError("connection refused")

    monkeypatch.setattr("cms.views.connection", UnreachableDatabase())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "error"


def _settings_probe(env, load="from django.conf import settings"):
    """Load the base settings (or the WSGI app) in a fresh interpreter with the given env."""
    code = (
        f"import django;{load};"
        "from django.conf import settings;"
        "print(settings.DATABASES['default']['ENGINE'], settings.CACHES['default']['BACKEND'])"
    )
    return run_python(code, env)


def test_secret_key_is_required_without_debug():
    result = _settings_probe(
        {"DEBUG": "false", "DATABASE_URL": "sqlite:///:memory:"}, load="import cms.wsgi"
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_management_commands_run_without_a_secret_key():
    result = _settings_probe({"DEBUG": "false", "DATABASE_URL": "sqlite:///:memory:"})
    assert result.returncode == 0, result.stderr


def test_environment_selects_database_and_cache():
    result = _settings_probe(
        {
            "DEBUG": "true",
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/nmt",
            "REDIS_URL": "redis://127.0.0.1:6379/1",
        }
    )
    assert result.returncode == 0, result.stderr
    assert "postgresql" in result.stdout
    assert "RedisCache" in result.stdout


def test_embedded_defaults_are_sqlite_and_local_memory():
    result = _settings_probe({"DEBUG": "true", "DATABASE_URL": "", "REDIS_URL": ""})
    assert result.returncode == 0, result.stderr
    assert "sqlite3" in result.stdout and "LocMemCache" in result.stdout


def test_editor_redirects_work_for_pages_but_not_the_api(client, catalog):
    from wagtail.contrib.redirects.models import Redirect

    Redirect.objects.create(old_path="/old-courses", redirect_link="/courses/")
    code = "/api/v1/certificates/ABCD-EFGH-JKMN-PQRS"
    Redirect.objects.create(old_path=code, redirect_link="/courses/")
    assert client.get("/old-courses/").url == "/courses/"
    assert client.get(code).status_code == 404


def test_api_errors_from_django_itself_are_json(client, db):
    unknown = client.get("/api/v1/no-such-thing/")
    assert unknown.status_code == 404 and unknown.json()["detail"]
    wrong_method = client.delete("/api/v1/certificates/verify")
    assert wrong_method.status_code == 405
    assert "POST" in wrong_method.json()["detail"] and wrong_method["Allow"] == "POST"


def test_search_with_a_nul_character_is_answered(client, catalog):
    response = client.get("/search/", {"q": "isch\x00emia"})
    assert response.status_code in (200, 400)


def test_a_media_bucket_selects_s3_storage():
    code = (
        "import django;from django.conf import settings;"
        "print(settings.STORAGES['default']['BACKEND'],"
        " settings.STORAGES['default']['OPTIONS']['bucket_name'])"
    )
    result = run_python(code, {"DEBUG": "true", "MEDIA_BUCKET": "nmt-media"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["storages.backends.s3.S3Storage", "nmt-media"]
