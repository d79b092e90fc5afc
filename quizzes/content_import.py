"""Quizzes from the course content sources: one per module, and a final exam from the
course's own bank (quizzes/final-exam.yaml), drawn by blueprint: N items per module."""

from django.db import transaction

from courses.content_import import source_digest
from courses.models import ModulePage

from .models import Choice, Question, Quiz
from .validation import question_problems

FINAL_EXAM_MINUTES = 30


def _explanation(source):
    """The explanation, with the item's reference when it has one."""
    if source.reference:
        return f"{source.explanation}\n\nReference: {source.reference}"
    return source.explanation


def _digest(questions, **settings):
    data = [
        [
            q.kind,
            q.prompt,
            _explanation(q),
            q.section,
            q.objective,
            [(c.text, c.correct) for c in q.choices],
        ]
        for q in questions
    ]
    return source_digest(data, settings)


def _replace_questions(quiz, questions):
    quiz.questions.all().delete()  # attempts keep their own snapshots
    for order, source in enumerate(questions):
        problems = question_problems(source.kind, [(c.text, c.correct) for c in source.choices])
        if problems:
            raise ValueError(f"{quiz.title}, question {order + 1}: {' '.join(problems)}")
        question = Question.objects.create(
            quiz=quiz,
            sort_order=order,
            kind=source.kind,
            prompt=source.prompt,
            explanation=_explanation(source),
            section=source.section,
            objective=source.objective,
        )
        Choice.objects.bulk_create(
            Choice(question=question, sort_order=n, text=c.text, is_correct=c.correct)
            for n, c in enumerate(source.choices)
        )


def _sync(lookup, defaults, questions):
    """Write the quiz and its questions as its source says, live, and record them as a
    published revision, so that the admin shows the quiz live and a later draft compares
    against what the source wrote. An unchanged source changes nothing."""
    digest = _digest(questions, **{k: v for k, v in defaults.items() if k != "title"})
    quiz = Quiz.objects.filter(**lookup).first()
    if quiz and quiz.source_digest == digest:
        return False
    if quiz is None:
        quiz = Quiz(**lookup, **defaults)
    for name, value in defaults.items():
        setattr(quiz, name, value)
    quiz.source_digest = digest
    quiz.save()
    _replace_questions(quiz, questions)
    # The revision is taken from the rows just written (with their ids); publishing it writes
    # the same values again and makes the quiz live, its revision the live one. A draft an
    # editor had saved is superseded (it stays in the quiz's history), and a review in
    # progress is cancelled, as when a reviewer publishes.
    quiz = Quiz.objects.get(pk=quiz.pk)
    quiz.save_revision(log_action=True).publish()
    return True


@transaction.atomic
def import_quizzes(source, course):
    """Create or update the course's quizzes from its source; return how many changed."""
    modules = {m.slug: m for m in ModulePage.objects.child_of(course)}
    changed = 0
    for module_source in source.modules:
        if not module_source.questions:
            continue
        module = modules[module_source.slug]
        changed += _sync(
            {"module": module},
            {"title": f"{module_source.title}: module quiz"},
            module_source.questions,
        )
    if source.final_exam:
        changed += _sync(
            {"course": course},
            {
                "title": f"{source.title}: final exam",
                "draw_count": None,
                "draw_per_section": source.final_exam_draw_per_section,
                "time_limit_minutes": FINAL_EXAM_MINUTES,
                # Until it is passed, the review names missed objectives, never keyed answers.
                "review_after_submit": Quiz.REVIEW_SCORE,
            },
            source.final_exam,
        )
    return changed
