from django.dispatch import Signal

# Sent once when an attempt is submitted with a passing score. Arguments: attempt.
quiz_passed = Signal()

# The documented hook for higher apps: sent once when a learner completes a course (every
# module complete, the final exam passed and, where required, the evaluation submitted).
# Arguments: completion (CourseCompletion), enrollment (courses.Enrollment).
# The certificates app listens to issue the certificate.
course_completed = Signal()
