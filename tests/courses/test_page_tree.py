from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase

from cms.models import HomePage
from courses.models import CourseIndexPage, CoursePage, ModulePage


class PageTreeRulesTest(WagtailPageTestCase):
    def test_home_page_sits_at_the_root_only(self):
        self.assertCanCreateAt(Page, HomePage)
        self.assertCanNotCreateAt(CourseIndexPage, HomePage)
        self.assertCanNotCreateAt(CoursePage, HomePage)

    def test_catalog_lives_under_home_only(self):
        self.assertCanCreateAt(HomePage, CourseIndexPage)
        self.assertCanNotCreateAt(Page, CourseIndexPage)
        self.assertCanNotCreateAt(CoursePage, CourseIndexPage)

    def test_courses_live_in_the_catalog_only(self):
        self.assertAllowedParentPageTypes(CoursePage, {CourseIndexPage})
        self.assertAllowedSubpageTypes(CoursePage, {ModulePage})

    def test_modules_live_in_a_course_and_have_no_children(self):
        self.assertAllowedParentPageTypes(ModulePage, {CoursePage})
        self.assertAllowedSubpageTypes(ModulePage, set())
        self.assertCanNotCreateAt(CourseIndexPage, ModulePage)

    def test_singletons(self):
        self.assertEqual(HomePage.max_count, 1)
        self.assertEqual(CourseIndexPage.max_count, 1)
