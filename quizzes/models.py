"""Quizzes and their questions (authored in the admin), attempts, evaluations, completions."""

from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.models import (
    DraftStateMixin,
    LockableMixin,
    Orderable,
    RevisionMixin,
    WorkflowMixin,
)
from wagtail.search import index

from .scoring import MULTIPLE, SINGLE, TRUE_FALSE


class QuizQuerySet(models.QuerySet):
    def live(self):
        """The quizzes learners are served: published ones (a never-published or unpublished
        quiz has live=False). The row of a live quiz, with its question and choice rows, is
        always its published version; drafts are kept in revisions."""
        return self.filter(live=True)


class Quiz(
    WorkflowMixin, DraftStateMixin, LockableMixin, RevisionMixin, index.Indexed, ClusterableModel
):
    """A module's quiz, or a course's final exam, with its settings and question pool.

    Edited as drafts with revisions under the course review workflow: the row (and its
    question and choice rows) is always the live version that learners are served; drafts
    live in revisions until a reviewer publishes them.
    """

    REVIEW_SCORE = "score"
    REVIEW_MARKS = "marks"
    REVIEW_ANSWERS = "answers"
    REVIEW_CHOICES = [
        (REVIEW_SCORE, "Score only"),
        (REVIEW_MARKS, "Score, and which of the learner's answers were right"),
        (REVIEW_ANSWERS, "Score, the learner's marks and the correct answers"),
    ]

    title = models.CharField(max_length=255)
    module = models.OneToOneField(
        "courses.ModulePage",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="quiz",
        help_text="The module this quiz belongs to. Leave empty for a final exam.",
    )
    course = models.ForeignKey(
        "courses.CoursePage",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="final_exams",
        help_text="The course whose final exam this is. Leave empty for a module quiz.",
    )
    pass_mark = models.PositiveSmallIntegerField(
        "pass mark (%)",
        default=70,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    max_attempts = models.PositiveSmallIntegerField(
        default=3, help_text="How many attempts a learner has; 0 means no limit."
    )
    retry_delay_minutes = models.PositiveIntegerField(
        "minimum delay between attempts (minutes)", default=0
    )
    time_limit_minutes = models.PositiveIntegerField(
        "time limit (minutes)",
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="Leave empty for no time limit.",
    )
    shuffle_questions = models.BooleanField(default=True)
    shuffle_choices = models.BooleanField(default=True)
    draw_count = models.PositiveSmallIntegerField(
        "questions drawn per attempt",
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="Draw this many questions from the pool for each attempt; empty = all.",
    )
    draw_per_section = models.PositiveSmallIntegerField(
        "questions drawn per section",
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="Blueprint: draw this many questions from each section of the pool (e.g. two "
        "per module), so every attempt covers every section. Overrides the draw above.",
    )
    review_after_submit = models.CharField(
        "review after submission",
        max_length=20,
        choices=REVIEW_CHOICES,
        default=REVIEW_MARKS,
    )
    explanations_after_pass = models.BooleanField(
        "show correct answers and explanations after passing", default=True
    )
    source_digest = models.CharField(max_length=64, blank=True, editable=False)

    objects = QuizQuerySet.as_manager()

    revisions = GenericRelation(
        "wagtailcore.Revision",
        content_type_field="base_content_type",
        object_id_field="object_id",
        related_query_name="quiz",
        for_concrete_model=False,
    )
    workflow_states = GenericRelation(
        "wagtailcore.WorkflowState",
        content_type_field="base_content_type",
        object_id_field="object_id",
        related_query_name="quiz",
        for_concrete_model=False,
    )

    panels = [
        FieldPanel("title"),
        FieldRowPanel([FieldPanel("module"), FieldPanel("course")], heading="Belongs to"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("pass_mark"), FieldPanel("max_attempts")]),
                FieldRowPanel(
                    [FieldPanel("retry_delay_minutes"), FieldPanel("time_limit_minutes")]
                ),
                FieldRowPanel(
                    [
                        FieldPanel("shuffle_questions"),
                        FieldPanel("shuffle_choices"),
                        FieldPanel("draw_count"),
                        FieldPanel("draw_per_section"),
                    ]
                ),
                FieldPanel("review_after_submit"),
                FieldPanel("explanations_after_pass"),
            ],
            heading="Settings",
        ),
        InlinePanel("questions", label="Question", heading="Questions"),
    ]
    search_fields = [index.SearchField("title"), index.AutocompleteField("title")]

    class Meta:
        verbose_name_plural = "quizzes"
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(module__isnull=False) & Q(course__isnull=True))
                | (Q(module__isnull=True) & Q(course__isnull=False)),
                name="quiz_belongs_to_module_or_course",
            ),
            models.UniqueConstraint(
                fields=["course"], condition=Q(course__isnull=False), name="one_final_exam"
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_final_exam(self):
        return self.course_id is not None

    def course_page(self):
        """The course this quiz counts toward."""
        if self.course_id:
            return self.course
        return self.module.course


class Question(ClusterableModel, Orderable):
    KINDS = [
        (SINGLE, "Single choice"),
        (MULTIPLE, "Multiple select"),
        (TRUE_FALSE, "True / false"),
    ]

    quiz = ParentalKey(Quiz, on_delete=models.CASCADE, related_name="questions")
    kind = models.CharField(max_length=20, choices=KINDS, default=SINGLE)
    prompt = models.TextField()
    explanation = models.TextField(help_text="Shown in the review: why the answer is right.")
    section = models.CharField(
        max_length=100,
        blank=True,
        help_text="The blueprint section this question belongs to (for a final exam, the "
        "module it tests). A quiz with a draw per section draws from each.",
    )
    objective = models.CharField(
        max_length=500,
        blank=True,
        help_text="The learning objective this question tests. A final exam's review names "
        "the objectives of the questions a learner missed.",
    )

    panels = [
        FieldPanel("kind"),
        FieldPanel("section"),
        FieldPanel("objective"),
        FieldPanel("prompt"),
        InlinePanel("choices", label="Choice", min_num=2, heading="Choices"),
        FieldPanel("explanation"),
    ]

    class Meta:
        # Orderable's ordering is not inherited here (ClusterableModel's Meta comes first), and
        # modelcluster orders a quiz's questions only by this: without it a draft reopened in
        # the admin lists its questions by id, and saving it again undoes a new order.
        ordering = ["sort_order"]

    def __str__(self):
        return self.prompt[:80]


class Choice(Orderable):
    question = ParentalKey(Question, on_delete=models.CASCADE, related_name="choices")
    text = models.CharField(max_length=500)
    is_correct = models.BooleanField("correct", default=False)

    panels = [FieldPanel("text"), FieldPanel("is_correct")]

    def __str__(self):
        return self.text


class Attempt(models.Model):
    """One try at a quiz, with a snapshot of exactly what was served, in order."""

    OPEN = "open"
    SUBMITTED = "submitted"
    STATUSES = [(OPEN, "In progress"), (SUBMITTED, "Submitted")]

    quiz = models.ForeignKey(Quiz, on_delete=models.PROTECT, related_name="attempts")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="quiz_attempts"
    )
    enrollment = models.ForeignKey(
        "courses.Enrollment", on_delete=models.PROTECT, related_name="quiz_attempts"
    )
    number = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=20, choices=STATUSES, default=OPEN)
    started_at = models.DateTimeField(default=timezone.now)
    deadline = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    closed_by_deadline = models.BooleanField(default=False)
    snapshot = models.JSONField(help_text="Questions and choices as served, in order.")
    answers = models.JSONField(default=dict, blank=True)
    score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    passed = models.BooleanField(null=True)

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["quiz", "user", "number"], name="unique_attempt_number"
            ),
            models.UniqueConstraint(
                fields=["quiz", "user"], condition=Q(status="open"), name="one_open_attempt"
            ),
        ]

    def __str__(self):
        return f"{self.quiz} #{self.number} by {self.user_id}"


class CourseEvaluation(models.Model):
    """The participant's evaluation of a course (NCBTMB expects one from each)."""

    RATINGS = [
        (5, "Strongly agree"),
        (4, "Agree"),
        (3, "Neutral"),
        (2, "Disagree"),
        (1, "Strongly disagree"),
    ]

    enrollment = models.OneToOneField(
        "courses.Enrollment", on_delete=models.PROTECT, related_name="evaluation"
    )
    objectives_met = models.PositiveSmallIntegerField(
        "The learning objectives were met", choices=RATINGS
    )
    instructor_knowledge = models.PositiveSmallIntegerField(
        "The instructor was knowledgeable about the subject", choices=RATINGS
    )
    relevance = models.PositiveSmallIntegerField(
        "The content is relevant to my practice", choices=RATINGS
    )
    hours_fair = models.PositiveSmallIntegerField(
        "The CE hours awarded are fair for the work", choices=RATINGS
    )
    # Null for evaluations submitted before the question was asked.
    minutes_taken = models.PositiveIntegerField(
        "About how many minutes did the whole course take you?",
        null=True,
        validators=[MinValueValidator(5), MaxValueValidator(6000)],
        help_text="Reading, quizzes and the final exam together, in minutes (e.g. 75). "
        "Your answer checks that the CE hours match the time the course takes.",
    )
    comments = models.TextField(blank=True, max_length=4000)
    submitted_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"Evaluation of enrollment {self.enrollment_id}"


class CourseCompletion(models.Model):
    """The record that a learner completed a course; written once, never changed."""

    enrollment = models.OneToOneField(
        "courses.Enrollment", on_delete=models.PROTECT, related_name="completion"
    )
    completed_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"Completion of enrollment {self.enrollment_id}"


class Accommodation(models.Model):
    """An administrator's grant to one learner on one quiz: extra attempts, more time, or an
    earlier retry, with the reason. A grant is a record: never edited or deleted; a later
    grant adds to the earlier ones (quizzes/accommodations.py combines them)."""

    TIME_MULTIPLIERS = [
        (Decimal("1.00"), "No extra time"),
        (Decimal("1.25"), "Time and a quarter (x1.25)"),
        (Decimal("1.50"), "Time and a half (x1.5)"),
        (Decimal("2.00"), "Double time (x2)"),
        (Decimal("3.00"), "Triple time (x3)"),
    ]

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="quiz_accommodations",
        verbose_name="learner",
    )
    quiz = models.ForeignKey(Quiz, on_delete=models.PROTECT, related_name="accommodations")
    extra_attempts = models.PositiveSmallIntegerField(
        default=0,
        validators=[MaxValueValidator(20)],
        help_text="Attempts on top of the quiz's limit.",
    )
    time_multiplier = models.DecimalField(
        "time limit",
        max_digits=3,
        decimal_places=2,
        choices=TIME_MULTIPLIERS,
        default=Decimal("1.00"),
        help_text="The quiz's time limit is multiplied by this for this learner.",
    )
    retry_from = models.DateTimeField(
        "next attempt may start from",
        null=True,
        blank=True,
        help_text="An earlier retry: the learner may start an attempt from this time, whatever "
        "the minimum delay between attempts.",
    )
    reason = models.TextField(
        max_length=2000, help_text="Why this is granted (kept with the grant and audited)."
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    granted_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-granted_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(extra_attempts__gt=0)
                | Q(time_multiplier__gt=1)
                | Q(retry_from__isnull=False),
                name="accommodation_grants_something",
            ),
        ]

    def __str__(self):
        return f"Accommodation for {self.user} on {self.quiz}"
