from django.dispatch import Signal

# Sent once when a learner's module becomes complete (seat time met and marked complete).
# Arguments: progress (ModuleProgress). The quiz app's completion tracker listens.
module_completed = Signal()

# Sent after a course's pages were imported from its content source, so higher apps can
# import what they own from the same source (the quiz app: questions).
# Arguments: source (content_source.CourseSource), course (CoursePage).
course_imported = Signal()

# Sent after ensure_editorial_roles has set up the editorial groups, so higher apps can grant
# the permissions over what they own and put it under the review workflow (the quiz app: quiz
# authoring and review).
# Arguments: instructors, reviewers (Groups), workflow (the "Course review" Workflow).
editorial_roles_ensured = Signal()
