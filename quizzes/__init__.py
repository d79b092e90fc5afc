"""Quizzes, attempts, scoring and the completion tracker (built in the quiz issue)."""
