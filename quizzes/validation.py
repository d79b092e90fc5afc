"""Rules a quiz and its questions must meet, on plain data, for the admin and the importer."""

from courses.content_source import prompt_key

from .scoring import MULTIPLE, SINGLE, TRUE_FALSE


def question_problems(kind, choices):
    """Problems with one question, as sentences. `choices` is a list of (text, correct)."""
    texts = [text.strip() for text, _ in choices]
    correct = sum(1 for _, is_correct in choices if is_correct)
    problems = []
    if any(not text for text in texts):
        problems.append("Every choice needs text.")
    if len({text.casefold() for text in texts}) != len(texts):
        problems.append("Two choices have the same text.")
    if kind == TRUE_FALSE:
        if len(choices) != 2 or correct != 1:
            problems.append("A true/false question has two choices, exactly one of them correct.")
        return problems
    if len(choices) < 2:
        problems.append("A question needs at least two choices.")
    if correct == 0:
        problems.append("Mark the correct choice: this question has none.")
    elif kind == SINGLE and correct > 1:
        problems.append(
            "A single-choice question has exactly one correct choice; use multiple select "
            "for more."
        )
    elif kind == MULTIPLE and correct < 2:
        problems.append(
            "A multiple-select question needs two or more correct choices; use single choice "
            "for one."
        )
    return problems


def quiz_problems(question_count, draw_count):
    """Problems with the quiz's settings against its question pool."""
    if question_count == 0:
        return ["Add at least one question."]
    if draw_count and draw_count > question_count:
        return [
            f"The quiz draws {draw_count} questions but its pool has only {question_count}. "
            "Add questions or draw fewer."
        ]
    return []


def exposure_problems(prompts, exposed_prompts, elsewhere):
    """Questions of a quiz whose prompt also stands in another quiz of the course where the
    answers are shown: a final exam's item in a module quiz (whose review shows it with its
    answer), or the reverse. `elsewhere` names the other quiz for the message."""
    exposed = {prompt_key(p) for p in exposed_prompts}
    return [
        f"“{prompt[:80]}” is also a question of {elsewhere}. A final exam's questions are "
        "never module quiz questions, whose review shows the answers: write a new one."
        for prompt in prompts
        if prompt_key(prompt) in exposed
    ]
