"""A module page's shared parts (courses.models.ModulePage.shared_parts): what every reader of
a version sees is rendered once and kept for it, so a signed-in reader's request renders only
their own parts; any publish shows at once, and previews and DEBUG are never kept."""

import pytest

from courses.enrollment import enroll
from courses.models import SHARED_PARTS, ModulePage
from tests.factories import UserFactory

PART_TEMPLATES = set(SHARED_PARTS.values())


@pytest.fixture
def modules(course):
    return list(ModulePage.objects.child_of(course).order_by("path"))


@pytest.fixture
def reader(client, learner, course, settings, settled_site):
    settings.PAGE_CACHE_SECONDS = 0
    settings.DEBUG = False
    enroll(learner, course)
    client.force_login(learner)
    return client


def view(client, page):
    response = client.get(page.url)
    assert response.status_code == 200
    parts = [t.name for t in response.templates if t.name in PART_TEMPLATES]
    return parts, response.text


def test_the_parts_are_rendered_once_for_every_reader(reader, course, modules):
    module = modules[1]
    parts, first = view(reader, module)
    assert sorted(parts) == sorted(PART_TEMPLATES)
    assert f"<h1>{module.title}</h1>" in first
    assert f'rel="prev">Previous: {modules[0].title}' in first
    assert 'aria-label="Breadcrumb"' in first and "Your progress" in first

    other = UserFactory()
    enroll(other, course)
    reader.force_login(other)
    parts, second = view(reader, module)
    assert parts == []
    assert f"<h1>{module.title}</h1>" in second and "Your progress" in second
    assert first.index("<article>") < first.index("Your progress") < first.index("</article>")


def test_a_publish_shows_at_once(reader, modules):
    module, neighbour = modules[0], modules[1]
    view(reader, module)
    module.summary = "A summary written after the first reader came."
    module.save_revision().publish()
    neighbour.title = "Ischemia, revised"
    neighbour.save_revision().publish()
    parts, text = view(reader, ModulePage.objects.get(pk=module.pk))
    assert parts
    assert "A summary written after the first reader came." in text
    assert "Next: Ischemia, revised" in text


def test_nothing_is_kept_while_debug_is_on(reader, modules, settings):
    settings.DEBUG = True
    view(reader, modules[0])
    parts, _ = view(reader, modules[0])
    assert sorted(parts) == sorted(PART_TEMPLATES)


def test_a_preview_is_rendered_fresh_and_not_kept(rf, learner, modules, settings):
    settings.DEBUG = False
    module = modules[0]
    request = rf.get(module.url)
    request.user = learner
    keys = module.fragment_keys(request)
    module.title = "An unpublished title"
    request.is_preview = True
    preview_keys = module.fragment_keys(request)
    assert preview_keys["fragment_seconds"] == 0
    context = {"page": module, "self": module, "request": request}
    parts = module.shared_parts(request, context, preview_keys)
    assert "<h1>An unpublished title</h1>" in parts["head"]
    published = ModulePage.objects.get(pk=module.pk)
    kept_parts = published.shared_parts(request, {**context, "page": published}, keys)
    assert "An unpublished title" not in kept_parts["head"]


def test_a_request_reads_the_generation_at_most_once(reader, modules):
    """Every kept value a signed-in module page reads (its route, site, settings, course,
    shared parts and learner panel) keys on the content generation, which the process reads
    from the shared cache at most once for the whole request (cms.page_cache.generation)."""
    from unittest import mock

    from cms import page_cache

    view(reader, modules[0])
    page_cache.forget_generation()
    with mock.patch.object(page_cache, "cache", wraps=page_cache.cache) as shared:
        _, text = view(reader, modules[0])
    reads = [c for c in shared.get.call_args_list if c.args[0] == page_cache.GENERATION_KEY]
    assert len(reads) == 1
    assert "Your progress" in text


def test_the_learner_forms_post_to_the_modules_routes_without_building_urls(reader, modules):
    """The heartbeat and completion URLs are kept with the shared parts, so a reader's
    request builds no page URL (that reads Wagtail's site root paths from the cache)."""
    from unittest import mock

    from django.core.cache import cache

    module = modules[0]
    view(reader, module)
    with mock.patch.object(cache, "get", wraps=cache.get) as get:
        _, text = view(reader, module)
    assert f'data-heartbeat-url="{module.url}heartbeat/"' in text
    assert f'action="{module.url}complete/"' in text
    assert not [c for c in get.call_args_list if "site_root_paths" in str(c.args[0])]
