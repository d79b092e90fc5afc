"""Seeding a benchmark database: real course pages, then learners and their records in bulk.

Courses go through the application's own importer (`courses.content_import.import_all`, the
one `setup_demo` uses): the demo course from `content/`, completed to twelve modules, and
copies of it under other slugs, so every course, module and quiz is a published Wagtail page
or a real quiz with its questions. Everything a learner leaves behind (accounts, enrollments,
module progress, quiz attempts, evaluations, completions, certificates) is written with
`bulk_create`, thousands of rows per query, with the values the application itself would
store (snapshots from `build_snapshot`, scores from `score_attempt`, codes from `new_code`).

The totals are the size's figures exactly. At the full size (20,000 certificates but 200,000
attempts) a completed enrollment cannot hold a passed attempt at each of its 13 quizzes
(that would take 260,000), so attempts are handed out per learner in this order: the final
exam of each completed course, the module quizzes of completed courses, the module quizzes of
the modules already read in courses in progress, a failed try at the next module's quiz, then
failed tries before passes. Completed enrollments therefore always hold a passed final exam
and some of their module quizzes.

Half the certificates hold a signed credential (one signed for real, copied to the others),
as certificates do once someone has fetched their credential.

`ensure_seeded` skips all of it when the database already holds the size (a marker row in a
`bench_seed` table the bench owns).
"""

import io
import random
from dataclasses import replace
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from wagtail.models import Site

from certificates.codes import new_code
from certificates.models import Certificate
from certificates.openbadges import recipient_identity
from cms.models import ProviderSettings
from courses.content_import import import_all
from courses.content_source import load_all_courses
from courses.models import CoursePage, Enrollment, ModulePage, ModuleProgress
from quizzes.attempts import build_snapshot
from quizzes.models import Attempt, CourseCompletion, CourseEvaluation, Quiz
from quizzes.scoring import score_attempt

from .sizes import Size

SEED_VERSION = 2
LEARNER_DOMAIN = "bench.example.com"
RUN_DOMAIN = "run.bench.example.com"
LEARNER_PASSWORD = "bench-learner-password"  # noqa: S105 - bench learners only  # nosec B105
DEMO_SLUG = "nmt-foundations"
BATCH = 2000

FIRST_NAMES = [
    "Ava", "Ben", "Chloe", "Diego", "Elena", "Farah", "Grace", "Hiro", "Ines", "Jonas",
    "Kira", "Liam", "Maya", "Noah", "Olga", "Priya", "Quinn", "Rosa", "Sam", "Tariq",
]  # fmt: skip
LAST_NAMES = [
    "Abbott", "Brennan", "Castillo", "Dubois", "Eriksen", "Fischer", "Gomez", "Haddad",
    "Ivanova", "Jensen", "Kowalski", "Lindqvist", "Moreau", "Nakamura", "Okafor", "Patel",
]  # fmt: skip


def learner_email(n):
    return f"learner{n:05d}@{LEARNER_DOMAIN}"


# -- courses ---------------------------------------------------------------------------------


def course_sources(count, modules_per_course):
    """The demo course source, completed to `modules_per_course` modules, and `count - 1`
    copies of it under other slugs, titles and course codes."""
    demo = next(s for s in load_all_courses(settings.CONTENT_SOURCE_DIR) if s.slug == DEMO_SLUG)
    modules = list(demo.modules)
    base = len(modules)
    while len(modules) < modules_per_course:
        original = modules[len(modules) % base]
        modules.append(
            replace(
                original,
                slug=f"{original.slug}-review",
                title=f"{original.title}: review",
                order=len(modules) + 1,
                related=[],
                raw=original.raw + b"\n<!-- bench: review module -->\n",
            )
        )
    modules = modules[:modules_per_course]
    sources = []
    for n in range(count):
        if n == 0:
            sources.append(replace(demo, modules=modules))
            continue
        sources.append(
            replace(
                demo,
                slug=f"{demo.slug}-{n + 1:02d}",
                title=f"{demo.title} {n + 1}",
                approved_title=f"{demo.approved_title} ({n + 1})",
                course_code=f"{demo.course_code}-{n + 1:02d}",
                modules=modules,
                raw=demo.raw + f"\n# bench copy {n + 1}\n".encode(),
            )
        )
    return sources


def ensure_courses(size: Size):
    """The size's courses as published pages, in catalog order (created if missing)."""
    call_command("setup_demo", stdout=io.StringIO())
    import_all(course_sources(size.courses, size.modules_per_course))
    slugs = [s.slug for s in course_sources(size.courses, size.modules_per_course)]
    pages = {p.slug: p for p in CoursePage.objects.filter(slug__in=slugs).defer_streamfields()}
    return [pages[slug] for slug in slugs]


# -- learners and their records --------------------------------------------------------------


def _quiz_plan(quiz):
    """A quiz's snapshot (drawn once, reproducibly), passing and failing answers to it and
    their scores, as `score_attempt` gives them."""
    snapshot = build_snapshot(quiz, random.Random(quiz.id))  # noqa: S311  # nosec B311
    right, wrong = {}, {}
    for question in snapshot["questions"]:
        correct = [c["id"] for c in question["choices"] if c["correct"]]
        incorrect = [c["id"] for c in question["choices"] if not c["correct"]]
        right[question["id"]] = sorted(correct)
        wrong[question["id"]] = incorrect[:1]
    return {
        "snapshot": snapshot,
        "pass": (right, score_attempt(snapshot, right).percent),
        "fail": (wrong, score_attempt(snapshot, wrong).percent),
    }


def _quiz_plans(courses):
    """Per course: its modules in order, module quiz per module, final exam; per quiz the
    snapshot, passing and failing answers and their scores."""
    course_ids = [c.id for c in courses]
    modules = {}
    for module in (
        ModulePage.objects.live()
        .filter(course_page_id__in=course_ids)
        .defer_streamfields()
        .order_by("path")
    ):
        modules.setdefault(module.course_page_id, []).append(module)
    quizzes = {}
    module_quiz = {}
    final_exam = {}
    all_quizzes = Quiz.objects.filter(course_id__in=course_ids) | Quiz.objects.filter(
        module__course_page_id__in=course_ids
    )
    for quiz in all_quizzes.prefetch_related("questions__choices"):
        quizzes[quiz.id] = _quiz_plan(quiz)
        if quiz.module_id:
            module_quiz[quiz.module_id] = quiz.id
        else:
            final_exam[quiz.course_id] = quiz.id
    return modules, module_quiz, final_exam, quizzes


def _bulk(model, objects):
    model.objects.bulk_create(objects, batch_size=BATCH)


def _create_learners(size, rng, now):
    User = get_user_model()
    password = make_password(LEARNER_PASSWORD)
    users = []
    for n in range(size.learners):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        users.append(
            User(
                email=learner_email(n),
                password=password,
                first_name=first,
                last_name=last,
                legal_name=f"{first} {last}",
                licence_number=f"MA{rng.randrange(10**5, 10**6)}",
                licence_state=rng.choice(["Florida", "Texas", "Ohio", "New York", "Ontario"]),
                date_joined=now - timedelta(days=rng.uniform(60, 900)),
                email_confirmed_at=now,  # confirmed: the exam-day scenario takes final exams
            )
        )
    _bulk(User, users)
    ids = dict(
        User.objects.filter(email__endswith=f"@{LEARNER_DOMAIN}").values_list("email", "id")
    )
    return [(ids[u.email], u) for u in users]


def _plan_enrollments(size, courses, learners, rng, now):
    per_learner = min(size.enrollments_per_learner, len(courses))
    plans = []
    for user_id, user in learners:
        for course in rng.sample(courses, per_learner):
            start = max(user.date_joined, now - timedelta(days=rng.uniform(20, 700)))
            plans.append({"user": user, "user_id": user_id, "course": course, "at": start})
    if size.certificates > len(plans):
        raise ValueError(f"{size.name}: more certificates than enrollments")
    for index, plan in enumerate(rng.sample(range(len(plans)), len(plans))):
        done = index < size.certificates
        finish = plans[plan]["at"] + timedelta(days=rng.uniform(2, 15))
        plans[plan]["completed_at"] = min(finish, now - timedelta(hours=1)) if done else None
    return plans


def _create_enrollments(plans):
    _bulk(
        Enrollment,
        [
            Enrollment(
                user_id=p["user_id"],
                course_id=p["course"].id,
                enrolled_at=p["at"],
                completed_at=p["completed_at"],
            )
            for p in plans
        ],
    )
    ids = {
        (user_id, course_id): pk
        for pk, user_id, course_id in Enrollment.objects.filter(
            user__email__endswith=f"@{LEARNER_DOMAIN}"
        ).values_list("id", "user_id", "course_id")
    }
    for plan in plans:
        plan["id"] = ids[(plan["user_id"], plan["course"].id)]


def _create_progress(plans, modules, rng, now):
    rows = []
    for plan in plans:
        course_modules = modules[plan["course"].id]
        if plan["completed_at"]:
            read = len(course_modules)
        else:
            read = rng.randrange(0, len(course_modules))
        plan["read"] = read
        end = plan["completed_at"] or now
        step = (end - plan["at"]) / (len(course_modules) + 1)
        for position, module in enumerate(course_modules[: read + 1]):
            seen = plan["at"] + step * position
            completed = position < read
            rows.append(
                ModuleProgress(
                    enrollment_id=plan["id"],
                    module_id=module.id,
                    first_viewed_at=seen,
                    last_activity_at=seen + timedelta(minutes=module.estimated_minutes),
                    seconds_credited=module.estimated_minutes * 60 if completed else 90,
                    completed_at=seen + timedelta(minutes=module.estimated_minutes)
                    if completed
                    else None,
                )
            )
    _bulk(ModuleProgress, rows)
    return len(rows)


def _attempt_slots(learner_plans, modules, module_quiz, final_exam):
    """[(plan, quiz id, passes)] in the order attempts are handed out (module docstring)."""
    completed = [p for p in learner_plans if p["completed_at"]]
    in_progress = [p for p in learner_plans if not p["completed_at"]]
    slots = [
        (p, final_exam[p["course"].id], True) for p in completed if p["course"].id in final_exam
    ]
    for plan in completed:
        slots += [
            (plan, module_quiz[m.id], True)
            for m in modules[plan["course"].id]
            if m.id in module_quiz
        ]
    for plan in in_progress:
        read = modules[plan["course"].id][: plan["read"]]
        slots += [(plan, module_quiz[m.id], True) for m in read if m.id in module_quiz]
    for plan in in_progress:
        course_modules = modules[plan["course"].id]
        if plan["read"] < len(course_modules) and course_modules[plan["read"]].id in module_quiz:
            slots.append((plan, module_quiz[course_modules[plan["read"]].id], False))
    return slots


def _create_attempts(size, plans, modules, module_quiz, final_exam, quizzes, rng):
    by_learner = {}
    for plan in plans:
        by_learner.setdefault(plan["user_id"], []).append(plan)
    learner_ids = list(by_learner)
    base, extra = divmod(size.attempts, len(learner_ids))
    carry = 0
    created = 0
    batch = []
    for index, user_id in enumerate(learner_ids):
        budget = base + (1 if index < extra else 0) + carry
        slots = _attempt_slots(by_learner[user_id], modules, module_quiz, final_exam)
        counts = [0] * len(slots)
        for _round in range(3):  # the default attempt limit
            for i in range(len(slots)):
                if budget and counts[i] < 3:
                    counts[i] += 1
                    budget -= 1
        carry = budget
        for (plan, quiz_id, passes), count in zip(slots, counts, strict=True):
            if not count:
                continue
            quiz = quizzes[quiz_id]
            when = plan["at"] + timedelta(hours=rng.uniform(1, 48))
            for number in range(1, count + 1):
                passed = passes and number == count
                answers, score = quiz["pass"] if passed else quiz["fail"]
                batch.append(
                    Attempt(
                        quiz_id=quiz_id,
                        user_id=user_id,
                        enrollment_id=plan["id"],
                        number=number,
                        status=Attempt.SUBMITTED,
                        started_at=when,
                        submitted_at=when + timedelta(minutes=rng.uniform(3, 25)),
                        snapshot=quiz["snapshot"],
                        answers=answers,
                        score=score,
                        passed=passed,
                    )
                )
                when += timedelta(hours=rng.uniform(1, 24))
        if len(batch) >= 10 * BATCH:
            _bulk(Attempt, batch)
            created += len(batch)
            batch = []
    _bulk(Attempt, batch)
    return created + len(batch)


def _create_completions(plans, rng):
    done = [p for p in plans if p["completed_at"]]
    _bulk(
        CourseEvaluation,
        [
            CourseEvaluation(
                enrollment_id=p["id"],
                objectives_met=rng.choice([4, 5]),
                instructor_knowledge=rng.choice([4, 5]),
                relevance=rng.choice([3, 4, 5]),
                hours_fair=rng.choice([3, 4, 5]),
                minutes_taken=rng.randint(55, 95),
                submitted_at=p["completed_at"] - timedelta(minutes=5),
            )
            for p in done
        ],
    )
    _bulk(
        CourseCompletion,
        [CourseCompletion(enrollment_id=p["id"], completed_at=p["completed_at"]) for p in done],
    )
    return len(done)


def _create_certificates(plans, rng):
    site = Site.objects.get(is_default_site=True)
    provider = ProviderSettings.for_site(site)
    admin = get_user_model().objects.filter(is_superuser=True).order_by("id").first()
    approvals = {}
    codes = set()
    rows = []
    for plan in plans:
        if not plan["completed_at"]:
            continue
        course = plan["course"]
        if course.id not in approvals:
            approvals[course.id] = [[a.approver, a.number] for a in course.approvals.all()]
        code = new_code()
        while code in codes:
            code = new_code()
        codes.add(code)
        salt, email_hash = recipient_identity(plan["user"].email)
        issued = plan["completed_at"] + timedelta(seconds=2)
        revoked = rng.random() < 0.01
        rows.append(
            Certificate(
                code=code,
                enrollment_id=plan["id"],
                user_id=plan["user_id"],
                course_id=course.id,
                title="Certificate of Achievement",
                learner_name=plan["user"].legal_name,
                course_title=course.approved_title,
                course_code=course.course_code,
                course_type=course.get_course_type_display(),
                ce_hours=course.ce_hours,
                completed_on=timezone.localdate(plan["completed_at"]),
                issued_at=issued,
                provider_name=provider.provider_name,
                provider_number=provider.ncbtmb_provider_number,
                provider_address=provider.address,
                provider_email=provider.email,
                signatory_name=provider.signatory_name,
                signatory_title=provider.signatory_title,
                approvals=approvals[course.id],
                recipient_salt=salt,
                recipient_email_hash=email_hash,
                status=Certificate.REVOKED if revoked else Certificate.VALID,
                revoked_at=issued + timedelta(days=30) if revoked else None,
                revoked_by=admin if revoked else None,
                revocation_reason="Issued in error (bench data)." if revoked else "",
            )
        )
    _bulk(Certificate, rows)
    _add_credentials(rows)
    return len(rows)


def _add_credentials(rows):
    """Half the certificates hold a signed credential, as once a learner or a verifier has
    asked for it (it is made on first request and stored). One is signed for real; the others
    get a copy of it, so their rows have the size they have in production (their copies do
    not describe them, which no measured page reads)."""
    from certificates.openbadges import signed_credential

    if not rows:
        return
    first = Certificate.objects.get(code=rows[0].code)
    credential = signed_credential(first)
    codes = [row.code for row in rows[2::2]]
    for start in range(0, len(codes), BATCH):
        Certificate.objects.filter(code__in=codes[start : start + BATCH]).update(
            credential=credential
        )


def seed(size: Size, log=print, seed_value=20260101):
    """Seed the size into a migrated database; return the counts written."""
    rng = random.Random(seed_value)  # noqa: S311 - reproducible data  # nosec B311
    now = timezone.now()
    log(f"seeding {size.name}: {size.courses} courses of {size.modules_per_course} modules")
    courses = ensure_courses(size)
    modules, module_quiz, final_exam, quizzes = _quiz_plans(courses)
    with transaction.atomic():
        log(f"  {size.learners:,} learners")
        learners = _create_learners(size, rng, now)
        plans = _plan_enrollments(size, courses, learners, rng, now)
        _create_enrollments(plans)
        log(f"  {len(plans):,} enrollments")
        progress = _create_progress(plans, modules, rng, now)
        log(f"  {progress:,} module progress rows")
        attempts = _create_attempts(size, plans, modules, module_quiz, final_exam, quizzes, rng)
        log(f"  {attempts:,} quiz attempts")
        completions = _create_completions(plans, rng)
        certificates = _create_certificates(plans, rng)
        log(f"  {completions:,} completions, {certificates:,} certificates")
    return {
        "courses": len(courses),
        "modules": sum(len(m) for m in modules.values()),
        "quizzes": len(quizzes),
        "learners": len(learners),
        "enrollments": len(plans),
        "module_progress": progress,
        "attempts": attempts,
        "completions": completions,
        "certificates": certificates,
    }


# -- the marker ------------------------------------------------------------------------------


def _ensure_marker_table():
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_seed ("
            "size varchar(20) PRIMARY KEY, version integer NOT NULL, counts text NOT NULL)"
        )


def seeded_counts(size: Size):
    """The counts recorded when this size was seeded (same seed version), or None."""
    import json

    _ensure_marker_table()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT version, counts FROM bench_seed WHERE size = %s",
            [size.name],
        )
        row = cursor.fetchone()
    if row is None or row[0] != SEED_VERSION:
        return None
    return json.loads(row[1])


def has_learner_data():
    return get_user_model().objects.filter(email__endswith=f"@{LEARNER_DOMAIN}").exists()


def ensure_seeded(size: Size, log=print):
    """(counts, seeded now?) for the size; seeds only a database without bench learners."""
    import json

    counts = seeded_counts(size)
    if counts is not None:
        return counts, False
    if has_learner_data():
        raise RuntimeError(
            "This database holds bench learners of another size or an interrupted seed; "
            "use an empty database (bench/run.py recreates its own)."
        )
    counts = seed(size, log=log)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO bench_seed (size, version, counts) VALUES (%s, %s, %s)",
            [size.name, SEED_VERSION, json.dumps(counts)],
        )
    return counts, True


# -- learners made for one run ---------------------------------------------------------------


MODULE_QUIZZES = "module_quizzes"
FINAL_EXAM = "final_exam"


def run_learners(prefix, count, course, ready_for=MODULE_QUIZZES):
    """`count` new learners enrolled in `course`, for one run's quiz traffic.

    They stand where the traffic needs them in the course's step order (`quizzes.gating`),
    so that every start the bench sends is one the course really opens:

    - `MODULE_QUIZZES`: every live module read (seat time credited, marked complete), so every
      module quiz is open;
    - `FINAL_EXAM`: that, and every module quiz passed once, so the final exam is open.

    The rows are written in bulk with the values the application would store: completed
    `ModuleProgress` rows, and submitted, passed attempts with a snapshot from
    `build_snapshot` scored by `score_attempt`.
    """
    if ready_for not in (MODULE_QUIZZES, FINAL_EXAM):
        raise ValueError(f"ready_for: {ready_for!r}")
    User = get_user_model()
    password = make_password(LEARNER_PASSWORD)
    emails = [f"{prefix}-{n:04d}@{RUN_DOMAIN}" for n in range(count)]
    now = timezone.now()
    User.objects.bulk_create(
        [
            # Confirmed addresses: a final exam waits on one (accounts.confirmation).
            User(email=e, password=password, legal_name=f"Run Learner {n}", email_confirmed_at=now)
            for n, e in enumerate(emails)
        ]
    )
    users = list(User.objects.filter(email__in=emails).order_by("email"))
    began = now - timedelta(days=1)
    Enrollment.objects.bulk_create(
        [Enrollment(user=u, course=course, enrolled_at=began) for u in users]
    )
    enrollments = list(Enrollment.objects.filter(user__in=users, course=course))
    modules = list(
        ModulePage.objects.live().child_of(course).defer_streamfields().order_by("path")
    )
    # When each module was read: one after the other, each for its estimated time.
    read_at = []
    when = began + timedelta(minutes=5)
    for module in modules:
        done = when + timedelta(minutes=module.estimated_minutes)
        read_at.append((when, done))
        when = done + timedelta(minutes=15)
    _bulk(
        ModuleProgress,
        [
            ModuleProgress(
                enrollment=enrollment,
                module=module,
                first_viewed_at=seen,
                last_activity_at=done,
                seconds_credited=module.estimated_minutes * 60,
                completed_at=done,
            )
            for enrollment in enrollments
            for module, (seen, done) in zip(modules, read_at, strict=True)
        ],
    )
    if ready_for == FINAL_EXAM:
        quizzes = {
            quiz.module_id: quiz
            for quiz in Quiz.objects.filter(module__in=modules).prefetch_related(
                "questions__choices"
            )
        }
        plans = {quiz.id: _quiz_plan(quiz) for quiz in quizzes.values()}
        attempts = []
        for enrollment in enrollments:
            for module, (_seen, done) in zip(modules, read_at, strict=True):
                quiz = quizzes.get(module.id)
                if quiz is None:
                    continue
                plan = plans[quiz.id]
                answers, score = plan["pass"]
                if score < quiz.pass_mark:
                    raise RuntimeError(f"{quiz}: the right answers score {score}")
                attempts.append(
                    Attempt(
                        quiz=quiz,
                        user_id=enrollment.user_id,
                        enrollment=enrollment,
                        number=1,
                        status=Attempt.SUBMITTED,
                        started_at=done + timedelta(minutes=1),
                        submitted_at=done + timedelta(minutes=9),
                        snapshot=plan["snapshot"],
                        answers=answers,
                        score=score,
                        passed=True,
                    )
                )
        _bulk(Attempt, attempts)
    return users


def delete_run_learners(prefix):
    """Remove one run's learners and everything they did, so runs do not grow the data."""
    users = get_user_model().objects.filter(
        email__startswith=f"{prefix}-", email__endswith=RUN_DOMAIN
    )
    with transaction.atomic():
        Certificate.objects.filter(user__in=users).delete()
        Attempt.objects.filter(user__in=users).delete()
        CourseCompletion.objects.filter(enrollment__user__in=users).delete()
        CourseEvaluation.objects.filter(enrollment__user__in=users).delete()
        ModuleProgress.objects.filter(enrollment__user__in=users).delete()
        Enrollment.objects.filter(user__in=users).delete()
        users.delete()
