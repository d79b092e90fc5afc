"""Small course sources for parser and importer tests: the least a module needs to pass."""

import textwrap

import yaml

# Three references, one of them scholarly, each cited once by the `CITED` sentence.
REFERENCES = """\
references:
  - {id: able-2001, type: journal, authors: Able A, year: 2001, title: One, source: J 1(1):1-2}
  - {id: baker-2002, type: book, authors: Baker B, year: 2002, title: Two, source: Press}
  - id: org-2003
    type: web
    authors: An Organisation
    year: 2003
    title: Three
    source: An Organisation
    url: https://example.org/three
"""
CITED = "Facts come from somewhere [@able-2001; @baker-2002] and elsewhere [@org-2003]."


COURSE = """
title: T
slug: t
approved_title: T
summary: S
course_code: C-1
ce_hours: 1
objectives: [Describe the course.]
"""

MODULE = f"""
---
title: Ischemia
slug: ischemia
principles: [ischemia]
estimated_minutes: 3
summary: Blood flow.
objectives:
  - Explain how held contraction reduces blood flow.
  - Identify when to refer.
related: []
{REFERENCES}---
Held contraction squeezes small vessels. {CITED}

::: contraindication Careful
Refer a swollen, warm calf at once [@able-2001].
:::
"""

FLOW = "Explain how held contraction reduces blood flow."
REFER = "Identify when to refer."

QUIZ = {
    "module": "ischemia",
    "questions": [
        {
            "kind": "single",
            "objective": FLOW,
            "prompt": "What does a held contraction do to intramuscular pressure?",
            "choices": [
                {"text": "It raises it", "correct": True},
                {"text": "It lowers it sharply"},
                {"text": "It leaves it unchanged"},
            ],
            "explanation": "Pressure rises while the contraction is held.",
        },
        {
            "kind": "multiple",
            "objective": REFER,
            "prompt": "Which findings call for referral? (Select all that apply.)",
            "choices": [
                {"text": "A swollen, warm calf", "correct": True},
                {"text": "Chest pain with breathlessness", "correct": True},
                {"text": "Tenderness that eases under a hold"},
            ],
            "explanation": "The first two can be a clot or a cardiac event.",
        },
        {
            "kind": "true_false",
            "objective": REFER,
            "prompt": "A swollen, warm calf is a reason to refer before massage.",
            "answer": True,
            "explanation": "It can be a deep vein thrombosis.",
        },
    ],
}


def write_course(folder, module=MODULE, quiz=None):
    for name, text in (
        ("course.yaml", COURSE),
        ("modules/01-ischemia.md", module),
        ("quizzes/01-ischemia.yaml", yaml.safe_dump(quiz or QUIZ, sort_keys=False)),
    ):
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return folder
