from django.contrib.auth.models import Group

from wagtail.models import Site

import pytest

from cms.models import ProviderSettings
from cms.redis_breaker import reset_breakers
from courses.content_import import get_or_create_catalog
from courses.models import Principle
from courses.roles import INSTRUCTORS, REVIEWERS, ensure_editorial_roles
from tests.factories import CoursePageFactory, ModulePageFactory, UserFactory
from tests.services import clear_caches


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: no rate-limit counts or cached pages carried over."""
    clear_caches()
    reset_breakers()  # a test that met an unreachable Redis leaves no pause behind
    yield
    clear_caches()


@pytest.fixture
def home(db):
    return Site.objects.get(is_default_site=True).root_page.specific


@pytest.fixture
def settled_site(home):
    """The site's settings row exists, as after its first visit: creating it is a change
    that starts a new content generation, which would hide what a test means to show about
    kept values."""
    ProviderSettings.for_site(Site.objects.get(is_default_site=True))
    clear_caches()


@pytest.fixture
def catalog(home):
    """The site tree: home page -> catalog (slug `courses`), with editorial roles."""
    catalog = get_or_create_catalog(home)
    ensure_editorial_roles(catalog)
    return catalog


def build_course(catalog, modules=3, **kwargs):
    """A published course with `modules` published modules, each tagged with a principle."""
    course = CoursePageFactory(parent=catalog, **kwargs)
    principles = list(Principle.objects.all())
    for n in range(modules):
        module = ModulePageFactory(parent=course, title=f"{course.title} module {n + 1}")
        module.principles.set([principles[n % len(principles)]])
        module.save()
    return course


@pytest.fixture
def course(catalog):
    return build_course(catalog, modules=3, title="Sample course")


@pytest.fixture
def learner(db):
    return UserFactory()


@pytest.fixture
def instructor(catalog):
    user = UserFactory(email="teacher@example.com")
    user.groups.add(Group.objects.get(name=INSTRUCTORS))
    return user


@pytest.fixture
def reviewer(catalog):
    user = UserFactory(email="reviewer@example.com")
    user.groups.add(Group.objects.get(name=REVIEWERS))
    return user


@pytest.fixture
def admin_user(db):
    return UserFactory(email="boss@example.com", is_staff=True, is_superuser=True)
