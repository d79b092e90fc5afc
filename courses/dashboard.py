"""What a learner's dashboard shows: each enrolled course with its progress."""

from dataclasses import dataclass

from .models import Enrollment, ModulePage, ModuleProgress


@dataclass
class CourseProgress:
    enrollment: Enrollment
    modules_total: int
    modules_done: int
    next_module: ModulePage | None = None
    next_step: object = None  # courses.path.NextStep, set by the dashboard view

    @property
    def course(self):
        return self.enrollment.course

    @property
    def completed(self):
        return self.enrollment.completed_at is not None


def course_progress_for(user):
    """Progress in every course the learner is enrolled in, in a fixed number of queries."""
    enrollments = list(
        Enrollment.objects.filter(user=user)
        .select_related("course")
        .order_by("completed_at", "-enrolled_at")
    )
    if not enrollments:
        return []
    course_ids = [e.course_id for e in enrollments]
    modules = (
        ModulePage.objects.live()
        .filter(course_page_id__in=course_ids)
        .defer_streamfields()
        .only("id", "title", "path", "url_path", "course_page_id", "depth")
        .order_by("path")
    )
    by_course = {}
    for module in modules:
        by_course.setdefault(module.course_page_id, []).append(module)
    done = set(
        ModuleProgress.objects.filter(
            enrollment__in=enrollments, completed_at__isnull=False
        ).values_list("enrollment_id", "module_id")
    )
    result = []
    for enrollment in enrollments:
        course_modules = by_course.get(enrollment.course_id, [])
        done_ids = {m.id for m in course_modules if (enrollment.id, m.id) in done}
        next_module = next((m for m in course_modules if m.id not in done_ids), None)
        result.append(
            CourseProgress(
                enrollment=enrollment,
                modules_total=len(course_modules),
                modules_done=len(done_ids),
                next_module=next_module,
            )
        )
    return result


def module_progress_map(enrollment):
    """{module id: ModuleProgress} for one enrollment (empty without an enrollment)."""
    if enrollment is None:
        return {}
    return {p.module_id: p for p in enrollment.module_progress.all()}
