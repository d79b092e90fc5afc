"""What a learner's dashboard shows: each enrolled course with its progress."""

from dataclasses import dataclass, field

from django.db.models import Count, Q

from .models import Enrollment, ModulePage, ModuleProgress


@dataclass
class CourseProgress:
    enrollment: Enrollment
    modules_total: int
    modules_done: int
    next_module: ModulePage | None = None
    done_ids: set = field(default_factory=set)

    @property
    def course(self):
        return self.enrollment.course

    @property
    def percent(self):
        if not self.modules_total:
            return 0
        return round(100 * self.modules_done / self.modules_total)

    @property
    def completed(self):
        return self.enrollment.completed_at is not None


def course_progress_for(user):
    """Progress in every course the learner is enrolled in, in a fixed number of queries."""
    enrollments = list(
        Enrollment.objects.filter(user=user)
        .select_related("course")
        .annotate(
            modules_done=Count(
                "module_progress",
                filter=Q(
                    module_progress__completed_at__isnull=False,
                    module_progress__module__live=True,
                ),
            )
        )
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
                done_ids=done_ids,
            )
        )
    return result


def module_progress_map(enrollment):
    """{module id: ModuleProgress} for one enrollment (empty without an enrollment)."""
    if enrollment is None:
        return {}
    return {p.module_id: p for p in enrollment.module_progress.all()}
