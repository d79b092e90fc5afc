from django.dispatch import Signal

# Sent once when a learner's module becomes complete (seat time met and marked complete).
# Arguments: progress (ModuleProgress). The quiz app's completion tracker listens.
module_completed = Signal()
