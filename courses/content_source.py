"""Reading the course content sources in `content/` (see content/README.md).

This module only reads and validates files; `content_import` turns them into pages. Every
problem is reported as a `ContentSourceError` naming the file and what is wrong with it.
"""

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

import yaml
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError
from defusedxml.ElementTree import fromstring as parse_xml

CALLOUT_KINDS = ("key-point", "clinical-note", "contraindication")
QUESTION_KINDS = ("single", "multiple", "true_false")
COURSE_TYPES = ("home_study", "live", "webinar")
PRINCIPLE_SLUGS = (
    "adhesions",
    "facilitation",
    "hypertonicity",
    "ischemia",
    "joint-fixation",
    "nerve-compression",
    "nerve-entrapment",
    "pain-threshold",
    "postural-distortion",
    "trigger-points",
)

_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n(.*)\Z", re.DOTALL)
_CALLOUT_OPEN = re.compile(r"^:::\s*([a-z-]+)(?:\s+(.*?))?\s*$")
_CALLOUT_CLOSE = re.compile(r"^:::\s*$")
_MODULE_LINK = re.compile(r"\]\(module:([^)\s]*)\)")
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_MODULE_FILE = re.compile(r"^(\d{2})-([a-z0-9-]+)\.md$")

# Figures: `::: figure <file>.svg` blocks in a module body, the file in the course's diagrams/.
FIGURE_KIND = "figure"
DIAGRAMS_FOLDER = "diagrams"
_FIGURE_FILE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*\.svg$")
_ALT_FILLER = re.compile(
    r"^(?:an?\s+)?(?:diagram|image|picture|graphic|figure)\s+(?:of|showing)\b", re.I
)
MAX_ALT_LENGTH = 255  # Wagtail's image description field, which carries the default alt text
MAX_CAPTION_LENGTH = 300  # FigureBlock's caption
MAX_SVG_BYTES = 100_000

# References (content/README.md "References"): listed in a module's front matter, cited in its
# body as [@id] or [@id; @other].
REFERENCE_TYPES = ("journal", "book", "guideline", "web")
SCHOLARLY_REFERENCE_TYPES = ("journal", "book")  # peer-reviewed, or a standard text
MIN_REFERENCES = 3
_REFERENCE_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_CITATION = re.compile(r"\[@([a-z0-9-]+(?:\s*;\s*@[a-z0-9-]+)*)\]")
_DOI = re.compile(r"^10\.\d{4,9}/\S+$")
_HTTP_URL = re.compile(r"^https?://\S+$")

# Objectives a home-study test can measure (content/README.md "Objectives").
MEASURABLE_VERBS = (
    "identify",
    "distinguish",
    "select",
    "describe",
    "explain",
    "recognise",
    "recognize",
    "list",
    "name",
    "define",
    "compare",
    "classify",
    "outline",
    "state",
    "interpret",
    "summarise",
    "summarize",
    "differentiate",
    "contrast",
)

# Question-writing rules (content/README.md "Question writing rules").
_SELF_REFERENCE = re.compile(
    r"\b(?:modules?|lessons?|this course|the course text|the text|the reading)\b", re.I
)
_ABSOLUTE_WORDS = re.compile(r"\b(?:always|never|all|none|every|only)\b", re.I)
MAX_LONGEST_KEY_SHARE = 0.25


class ContentSourceError(ValueError):
    """A content source file is missing, malformed or inconsistent."""


@dataclass(frozen=True)
class TextSegment:
    markdown: str


@dataclass(frozen=True)
class CalloutSegment:
    kind: str
    title: str
    markdown: str


@dataclass(frozen=True)
class FigureSegment:
    """A diagram placed in the body: an SVG file from the course's diagrams/ folder."""

    file: str
    alt: str
    caption: str
    data: bytes = field(repr=False)

    @property
    def markdown(self):
        """The figure's reading text (its caption), as word counts and link checks see it."""
        return self.caption

    @property
    def sha1(self):
        """The file's SHA-1, as Wagtail keeps it in `file_hash`."""
        return hashlib.sha1(self.data, usedforsecurity=False).hexdigest()


@dataclass(frozen=True)
class ChoiceSource:
    text: str
    correct: bool


@dataclass(frozen=True)
class QuestionSource:
    kind: str
    prompt: str
    choices: tuple[ChoiceSource, ...]
    explanation: str
    objective: str = ""
    reference: str = ""
    section: str = ""


@dataclass(frozen=True)
class ReferenceSource:
    id: str
    type: str
    authors: str
    year: int
    title: str
    source: str
    doi: str = ""
    url: str = ""

    @property
    def key(self):
        """What makes two listings the same work: its DOI, else its URL, else title and year."""
        return self.doi.lower() or self.url or f"{prompt_key(self.title)}|{self.year}"


@dataclass
class ModuleSource:
    path: Path
    order: int
    title: str
    slug: str
    principles: list[str]
    estimated_minutes: int
    summary: str
    objectives: list[str]
    related: list[str]
    segments: list
    raw: bytes
    references: list[ReferenceSource] = field(default_factory=list)
    questions: list[QuestionSource] = field(default_factory=list)

    @property
    def citation_numbers(self):
        """Reference id -> its number on the page (the order the front matter lists them)."""
        return {reference.id: n for n, reference in enumerate(self.references, start=1)}

    @property
    def cited_ids(self):
        """Every reference id the body cites, in order of citation, repeats included."""
        ids = []
        for segment in self.segments:
            if not isinstance(segment, FigureSegment):
                ids.extend(citation_ids(segment.markdown))
        return ids

    @property
    def linked_slugs(self):
        """Slugs of modules this module links to from its body."""
        slugs = []
        for segment in self.segments:
            slugs.extend(_MODULE_LINK.findall(segment.markdown))
        return slugs

    @property
    def figures(self):
        return [segment for segment in self.segments if isinstance(segment, FigureSegment)]

    @property
    def digest(self):
        return hashlib.sha256(self.raw).hexdigest()


@dataclass
class InstructorSource:
    name: str
    credentials: str
    bio: str


@dataclass
class CourseSource:
    path: Path
    title: str
    slug: str
    approved_title: str
    summary: str
    overview: str
    course_code: str
    course_type: str
    ce_hours: Decimal
    evaluation_required: bool
    objectives: list[str]
    prerequisites: str
    approvals: list[tuple[str, str]]
    instructors: list[InstructorSource]
    modules: list[ModuleSource]
    raw: bytes
    final_exam: list[QuestionSource] = field(default_factory=list)
    final_exam_draw_per_section: int = 0
    scope: str = ""
    last_reviewed: date | None = None

    @property
    def digest(self):
        return hashlib.sha256(self.raw).hexdigest()


def _fail(path, message):
    raise ContentSourceError(f"{path}: {message}")


def _load_yaml(path, text):
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        _fail(path, f"is not valid YAML ({exc.__class__.__name__}: {exc})")
    if not isinstance(data, dict):
        _fail(path, "must hold a mapping of keys to values")
    return data


def _required_str(path, data, key):
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        _fail(path, f"needs a non-empty text value for '{key}'")
    return value.strip()


def _str_list(path, data, key, *, required=True):
    value = data.get(key, [] if not required else None)
    if value is None or not isinstance(value, list):
        _fail(path, f"'{key}' must be a list")
    if not all(isinstance(item, str) and item.strip() for item in value):
        _fail(path, f"every item of '{key}' must be non-empty text")
    return [item.strip() for item in value]


# Where an SVG could run code, embed another document or fetch a file: scripts, foreign
# content, linked images, links, and animation elements (which can rewrite an attribute such
# as href after it was checked). <style> too: diagrams use presentation attributes.
SVG_NS = "http://www.w3.org/2000/svg"
_SVG_ATTRIBUTE_NAMESPACES = (
    "",
    "http://www.w3.org/1999/xlink",
    "http://www.w3.org/XML/1998/namespace",
)
SVG_FORBIDDEN_ELEMENTS = frozenset(
    {
        "a",
        "animate",
        "animateMotion",
        "animateTransform",
        "audio",
        "canvas",
        "discard",
        "embed",
        "feImage",
        "foreignObject",
        "handler",
        "iframe",
        "image",
        "listener",
        "object",
        "script",
        "set",
        "style",
        "video",
    }
)
_SVG_LENGTH = re.compile(r"^\d+(?:\.\d+)?(?:px)?$")
_SVG_VIEWBOX = re.compile(r"^-?\d+(?:\.\d+)?(?:[\s,]+-?\d+(?:\.\d+)?){3}$")
_EXTERNAL_URL = re.compile(r"url\(\s*['\"]?\s*(?!#)", re.IGNORECASE)
_PROCESSING_INSTRUCTION = re.compile(rb"<\?(?!xml[\s?])")


def _split_name(name):
    """('namespace', 'local') from ElementTree's '{namespace}local'."""
    if name.startswith("{"):
        namespace, _, local = name[1:].partition("}")
        return namespace, local
    return "", name


def svg_problem(data):
    """What makes an SVG unfit to serve as a course diagram, or None when it is fine.

    Diagrams are served from our own domain, where an SVG opened on its own runs like a page,
    so anything that could run code or fetch from elsewhere is refused, not cleaned.
    """
    if len(data) > MAX_SVG_BYTES:
        return f"is {len(data):,} bytes; a hand-written diagram stays under {MAX_SVG_BYTES:,}"
    if _PROCESSING_INSTRUCTION.search(data):
        return (
            "has a processing instruction such as <?xml-stylesheet?>; only <?xml ...?> is allowed"
        )
    try:
        root = parse_xml(data, forbid_dtd=True)
    except DefusedXmlException:
        return "has a DOCTYPE or entity declaration, which diagrams must not have"
    except ParseError as exc:
        return f"is not well-formed XML ({exc})"
    if root.tag != f"{{{SVG_NS}}}svg":
        return f"must have an <svg> root element in the SVG namespace ({SVG_NS})"
    if not _SVG_VIEWBOX.match(root.get("viewBox", "").strip()):
        return "needs a viewBox attribute of four numbers on <svg>"
    for name in ("width", "height"):
        if not _SVG_LENGTH.match(root.get(name, "").strip()):
            return f"needs a {name} attribute in pixels on <svg>"
    if root.get("role") != "img":
        return 'needs role="img" on <svg>'
    for name in ("title", "desc"):
        child = root.find(f"{{{SVG_NS}}}{name}")
        if child is None or not "".join(child.itertext()).strip():
            return f"needs a non-empty <{name}> inside <svg>"
    for element in root.iter():
        namespace, tag = _split_name(element.tag)
        if namespace != SVG_NS:
            return f"has an element outside the SVG namespace: <{tag}>"
        if tag in SVG_FORBIDDEN_ELEMENTS:
            return f"has a <{tag}> element, which diagrams must not have"
        for key, value in element.attrib.items():
            attr_namespace, attr = _split_name(key)
            if attr_namespace not in _SVG_ATTRIBUTE_NAMESPACES:
                return f"has an attribute in a foreign namespace on <{tag}>: {attr}"
            if attr.lower().startswith("on"):
                return f"has an event-handler attribute on <{tag}>: {attr}"
            if attr == "href" and not value.strip().startswith("#"):
                return f'has a reference to another file on <{tag}>: {attr}="{value}"'
            if _EXTERNAL_URL.search(value) or "@import" in value.lower():
                return f'has a reference to another file on <{tag}>: {attr}="{value}"'
            if "javascript:" in value.lower().replace(" ", ""):
                return f"has a javascript: URL on <{tag}>"
    return None


def _figure(path, number, file, lines, diagrams):
    """A figure block's segment, its YAML body and its SVG file checked."""
    where = f"body line {number}: figure '{file}'"
    if not _FIGURE_FILE.match(file):
        _fail(
            path,
            f"body line {number}: a figure names an SVG file in {DIAGRAMS_FOLDER}/, "
            f"lowercase-hyphenated, e.g. '::: figure ischemia.svg' (got '{file}')",
        )
    try:
        meta = yaml.safe_load("\n".join(lines))
    except yaml.YAMLError as exc:
        _fail(path, f"{where} is not valid YAML ({exc.__class__.__name__}: {exc})")
    if not isinstance(meta, dict):
        _fail(path, f"{where} needs 'alt' and 'caption' lines")
    stray = sorted(str(key) for key in set(meta) - {"alt", "caption"})
    if stray:
        _fail(path, f"{where}: unexpected key(s) {', '.join(stray)} (only alt and caption)")
    values = {}
    for key, label, limit in (
        ("alt", "alt text", MAX_ALT_LENGTH),
        ("caption", "caption", MAX_CAPTION_LENGTH),
    ):
        value = meta.get(key)
        if not isinstance(value, str) or not value.strip():
            _fail(path, f"{where} has no {label} (add '{key}: ...')")
        value = " ".join(value.split())
        if len(value) > limit:
            _fail(path, f"{where}: the {label} is {len(value)} characters, at most {limit}")
        values[key] = value
    if _ALT_FILLER.match(values["alt"]):
        _fail(path, f"{where}: alt text says what the diagram shows, not 'Diagram of ...'")
    svg = Path(diagrams) / file
    if not svg.is_file():
        _fail(path, f"{where}: the file {svg} is missing")
    data = svg.read_bytes()
    problem = svg_problem(data)
    if problem:
        _fail(path, f"{where}: {svg} {problem}")
    return FigureSegment(file=file, alt=values["alt"], caption=values["caption"], data=data)


def split_body(path, body, diagrams=None):
    """Split a module body into text, callout and figure segments.

    Figure files are looked up in `diagrams` (by default the course's diagrams/ folder, next
    to modules/).
    """
    if diagrams is None:
        diagrams = Path(path).parent.parent / DIAGRAMS_FOLDER
    segments = []
    text_lines = []
    callout = None
    for number, line in enumerate(body.splitlines(), start=1):
        if line.lstrip().startswith("<"):
            _fail(
                path,
                f"body line {number}: raw HTML (such as an <!-- comment -->) would show on the "
                "page as text; write Markdown, or a ::: block",
            )
        if callout is None:
            opened = _CALLOUT_OPEN.match(line)
            if opened:
                kind = opened.group(1)
                if kind not in (*CALLOUT_KINDS, FIGURE_KIND):
                    _fail(path, f"body line {number}: unknown callout kind '{kind}'")
                if "".join(text_lines).strip():
                    segments.append(TextSegment("\n".join(text_lines).strip()))
                text_lines = []
                callout = (kind, (opened.group(2) or "").strip(), [], number)
            else:
                text_lines.append(line)
        elif _CALLOUT_CLOSE.match(line):
            kind, title, lines, start = callout
            if kind == FIGURE_KIND:
                segments.append(_figure(path, start, title, lines, diagrams))
            elif not "".join(lines).strip():
                _fail(path, f"body line {number}: the '{kind}' callout is empty")
            else:
                segments.append(CalloutSegment(kind, title, "\n".join(lines).strip()))
            callout = None
        elif _CALLOUT_OPEN.match(line):
            _fail(
                path,
                f"body line {number}: a '{callout[0]}' block is still open (close it with ':::')",
            )
        else:
            callout[2].append(line)
    if callout is not None:
        _fail(path, f"a '{callout[0]}' callout is not closed with ':::'")
    if "".join(text_lines).strip():
        segments.append(TextSegment("\n".join(text_lines).strip()))
    return segments


def citation_ids(markdown):
    """The reference ids cited in Markdown text, in order: [@a] and [@a; @b]."""
    return [
        part.strip().lstrip("@")
        for group in _CITATION.findall(markdown)
        for part in group.split(";")
    ]


def cite(markdown, numbers):
    """Markdown with each citation [@a; @b] written as numbered links to the reference list."""

    def numbered(match):
        ids = [part.strip().lstrip("@") for part in match.group(1).split(";")]
        links = ", ".join(f"[{numbers[i]}](#ref-{numbers[i]})" for i in ids)
        return f"\\[{links}\\]"

    return _CITATION.sub(numbered, markdown)


def _reference(path, number, data):
    where = f"reference {number}"
    if not isinstance(data, dict):
        _fail(path, f"{where} must be a mapping (id, type, authors, year, title, source)")
    stray = sorted(
        str(key)
        for key in set(data) - {"id", "type", "authors", "year", "title", "source", "doi", "url"}
    )
    if stray:
        _fail(path, f"{where}: unexpected key(s) {', '.join(stray)}")
    values = {}
    for key in ("id", "type", "authors", "title", "source"):
        value = data.get(key)
        if not isinstance(value, str) or not value.strip():
            _fail(path, f"{where} needs a non-empty '{key}'")
        values[key] = " ".join(value.split())
    if not _REFERENCE_ID.match(values["id"]):
        _fail(path, f"{where}: id '{values['id']}' must be lowercase letters, digits, hyphens")
    if values["type"] not in REFERENCE_TYPES:
        _fail(path, f"{where}: 'type' must be one of {', '.join(REFERENCE_TYPES)}")
    year = data.get("year")
    if not isinstance(year, int) or isinstance(year, bool) or not 1800 <= year <= 2100:
        _fail(path, f"{where}: 'year' must be a four-digit year")
    for key, pattern, example in (
        ("doi", _DOI, "10.1093/rheumatology/keu471"),
        ("url", _HTTP_URL, "https://..."),
    ):
        value = data.get(key, "")
        if not isinstance(value, str) or (value and not pattern.match(value.strip())):
            _fail(path, f"{where}: '{key}' must look like {example}")
        values[key] = value.strip()
    return ReferenceSource(year=year, **values)


def _references(path, meta):
    raw = meta.get("references")
    if not isinstance(raw, list):
        _fail(path, "needs a 'references' list (content/README.md, References)")
    references = [_reference(path, n, item) for n, item in enumerate(raw, start=1)]
    if len(references) < MIN_REFERENCES:
        _fail(path, f"needs at least {MIN_REFERENCES} references (has {len(references)})")
    if not any(r.type in SCHOLARLY_REFERENCE_TYPES for r in references):
        _fail(path, "needs at least one reference of type journal (peer-reviewed) or book")
    ids = [r.id for r in references]
    if len(set(ids)) != len(ids):
        _fail(path, "two references share an id")
    return references


def _check_citations(module):
    cited = module.cited_ids
    unknown = sorted(set(cited) - set(module.citation_numbers))
    if unknown:
        _fail(module.path, f"cites unknown reference(s): {', '.join(unknown)}")
    uncited = [r.id for r in module.references if r.id not in cited]
    if uncited:
        _fail(module.path, f"lists reference(s) the body never cites: {', '.join(uncited)}")


def objective_problem(objective):
    """Why an objective cannot be measured in a home-study test, or None."""
    verb = objective.split(maxsplit=1)[0].strip(",.:;").casefold() if objective else ""
    if verb not in MEASURABLE_VERBS:
        return (
            f"objective '{objective[:50]}' starts with '{verb}'; start with a verb a "
            "home-study test can measure (content/README.md, Objectives), such as identify, "
            "distinguish, select, describe or explain"
        )
    return None


def _objectives(path, meta):
    objectives = _str_list(path, meta, "objectives")
    for objective in objectives:
        problem = objective_problem(objective)
        if problem:
            _fail(path, problem)
    return objectives


def parse_module(path):
    """Read one module Markdown file with its YAML front matter."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        _fail(path, "is not UTF-8 text")
    match = _FRONT_MATTER.match(text)
    if not match:
        _fail(path, "must start with a YAML front matter block between '---' lines")
    meta = _load_yaml(path, match.group(1))
    name = _MODULE_FILE.match(path.name)
    if not name:
        _fail(path, "module files are named NN-slug.md")
    slug = _required_str(path, meta, "slug")
    if not _SLUG.match(slug):
        _fail(path, f"slug '{slug}' must be lowercase letters, digits and hyphens")
    principles = _str_list(path, meta, "principles")
    unknown = sorted(set(principles) - set(PRINCIPLE_SLUGS))
    if unknown:
        _fail(path, f"unknown principle(s): {', '.join(unknown)}")
    minutes = meta.get("estimated_minutes")
    if not isinstance(minutes, int) or isinstance(minutes, bool) or minutes < 1:
        _fail(path, "'estimated_minutes' must be a whole number of minutes, at least 1")
    segments = split_body(path, match.group(2))
    if not segments:
        _fail(path, "has no body text")
    module = ModuleSource(
        path=path,
        order=int(name.group(1)),
        title=_required_str(path, meta, "title"),
        slug=slug,
        principles=principles,
        estimated_minutes=minutes,
        summary=_required_str(path, meta, "summary"),
        objectives=_objectives(path, meta),
        related=_str_list(path, meta, "related", required=False),
        segments=segments,
        raw=raw,
        references=_references(path, meta),
    )
    _check_citations(module)
    return module


def _parse_question(path, number, data):
    where = f"question {number}"
    if not isinstance(data, dict):
        _fail(path, f"{where} must be a mapping")
    kind = data.get("kind")
    if kind not in QUESTION_KINDS:
        _fail(path, f"{where}: 'kind' must be one of {', '.join(QUESTION_KINDS)}")
    prompt = _required_str(path, data, "prompt")
    explanation = data.get("explanation")
    if not isinstance(explanation, str) or not explanation.strip():
        _fail(path, f"{where} has no explanation")
    if kind == "true_false":
        answer = data.get("answer")
        if not isinstance(answer, bool):
            _fail(path, f"{where}: a true/false question needs 'answer: true' or 'answer: false'")
        choices = (ChoiceSource("True", answer), ChoiceSource("False", not answer))
    else:
        raw_choices = data.get("choices")
        if not isinstance(raw_choices, list) or len(raw_choices) < 2:
            _fail(path, f"{where} needs at least two choices")
        choices = []
        for choice in raw_choices:
            if not isinstance(choice, dict) or not isinstance(choice.get("text"), str):
                _fail(path, f"{where}: every choice needs a 'text'")
            stray = sorted(str(key) for key in set(choice) - {"text", "correct"})
            if stray:
                # Usually an unquoted comma in a one-line {text: ..., correct: true} choice.
                _fail(
                    path,
                    f"{where}: unexpected key(s) {', '.join(stray)} in a choice "
                    "(quote choice texts that contain commas or colons)",
                )
            if not isinstance(choice.get("correct", False), bool):
                _fail(path, f"{where}: 'correct' must be true or false")
            choices.append(ChoiceSource(choice["text"].strip(), choice.get("correct", False)))
        correct = sum(choice.correct for choice in choices)
        if kind == "single" and correct != 1:
            _fail(path, f"{where}: a single-choice question needs exactly one correct choice")
        if kind == "multiple" and correct < 2:
            _fail(path, f"{where}: a multiple-select question needs two or more correct choices")
        if len({choice.text.casefold() for choice in choices}) != len(choices):
            _fail(path, f"{where} repeats a choice")
        choices = tuple(choices)
    extras = {}
    for key in ("objective", "reference", "section"):
        value = data.get(key, "")
        if not isinstance(value, str):
            _fail(path, f"{where}: '{key}' must be text")
        extras[key] = " ".join(value.split())
    return QuestionSource(kind, prompt, choices, explanation.strip(), **extras)


def parse_quiz(path):
    """Read one quiz YAML file; return (module slug, questions)."""
    data = _load_yaml(path, path.read_text(encoding="utf-8"))
    module = _required_str(path, data, "module")
    questions = data.get("questions")
    if not isinstance(questions, list) or not questions:
        _fail(path, "needs a non-empty 'questions' list")
    return module, [_parse_question(path, n, q) for n, q in enumerate(questions, start=1)]


FINAL_EXAM_FILE = "final-exam.yaml"


def prompt_key(prompt):
    """A question's prompt as compared for exposure: case and spacing do not count."""
    return " ".join(prompt.casefold().split())


def parse_final_exam(path, by_slug):
    """Read a course's final exam bank; return (questions, draw per section).

    Every item names the module it tests (`section`, a module slug) and one of that module's
    objectives, word for word; the draw per section must leave a choice in every section."""
    data = _load_yaml(path, path.read_text(encoding="utf-8"))
    if data.get("final_exam") is not True:
        _fail(path, "a final exam bank starts with 'final_exam: true'")
    draw = data.get("draw_per_section", 2)
    if not isinstance(draw, int) or isinstance(draw, bool) or draw < 1:
        _fail(path, "'draw_per_section' must be a whole number of at least 1")
    raw = data.get("questions")
    if not isinstance(raw, list) or not raw:
        _fail(path, "needs a non-empty 'questions' list")
    questions = [_parse_question(path, n, q) for n, q in enumerate(raw, start=1)]
    for number, question in enumerate(questions, start=1):
        module = by_slug.get(question.section)
        if module is None:
            _fail(path, f"question {number}: 'section' must be the slug of a module")
        if not question.reference:
            _fail(path, f"question {number} needs a 'reference'")
    for slug in by_slug:
        count = sum(1 for q in questions if q.section == slug)
        if count <= draw:
            _fail(path, f"needs more than {draw} items for module '{slug}' (has {count})")
    return questions, draw


def _key_is_unique_longest(question):
    lengths = sorted((len(c.text), c.correct) for c in question.choices)
    return lengths[-1][1] and (len(lengths) == 1 or lengths[-2][0] < lengths[-1][0])


def question_rule_problems(questions, objectives):
    """Where a quiz's items break the question-writing rules (content/README.md).

    `objectives` are the objectives the items may map to (a module's, or for the final exam
    bank, a function of the item's section)."""
    problems = []
    for number, question in enumerate(questions, start=1):
        where = f"question {number}"
        texts = [
            question.prompt,
            *(c.text for c in question.choices if question.kind != "true_false"),
        ]
        for text in texts:
            found = _SELF_REFERENCE.search(text)
            if found:
                problems.append(
                    f"{where} says '{found.group(0)}'; an item must stand on its own "
                    f"(it may be asked in the final exam): {text[:60]}"
                )
                break
        if question.kind == "true_false":
            found = _ABSOLUTE_WORDS.search(question.prompt)
            if found:
                problems.append(
                    f"{where}: a true/false prompt must not say '{found.group(0)}' "
                    "(absolute words give the answer away)"
                )
        allowed = objectives(question) if callable(objectives) else objectives
        if not question.objective:
            problems.append(f"{where} needs an 'objective' (one of its module's, word for word)")
        elif question.objective not in [" ".join(o.split()) for o in allowed]:
            problems.append(f"{where}: 'objective' is not one of its module's objectives")
    single = [q for q in questions if q.kind == "single"]
    cued = [
        n
        for n, q in enumerate(questions, start=1)
        if q.kind == "single" and _key_is_unique_longest(q)
    ]
    if single and len(cued) > MAX_LONGEST_KEY_SHARE * len(single):
        problems.append(
            f"the key is the unique longest option in {len(cued)} of {len(single)} "
            f"single-answer items (questions {', '.join(map(str, cued))}); at most a quarter "
            "may be: make a distractor at least as long"
        )
    return problems


def objective_coverage_problems(module):
    """A module's objectives that none of its quiz items tests."""
    tested = {q.objective for q in module.questions}
    return [
        f"objective '{objective[:60]}' is tested by none of the quiz items"
        for objective in module.objectives
        if " ".join(objective.split()) not in tested
    ]


def repeated_prompt_problems(questions):
    """Prompts asked twice among `questions`."""
    seen, problems = set(), []
    for question in questions:
        key = prompt_key(question.prompt)
        if key in seen:
            problems.append(f"the prompt is asked twice: {question.prompt[:60]}")
        seen.add(key)
    return problems


def exposure_problems(modules, final_exam):
    """Final exam items that also stand in a module quiz, whose review shows its answers."""
    module_prompts = {prompt_key(q.prompt) for m in modules for q in m.questions}
    return [
        f"final exam item {n} repeats a module quiz question: {q.prompt[:60]}"
        for n, q in enumerate(final_exam, start=1)
        if prompt_key(q.prompt) in module_prompts
    ]


def _parse_ce_hours(path, value):
    try:
        hours = Decimal(str(value))
    except InvalidOperation:
        _fail(path, "'ce_hours' must be a number")
    if hours <= 0:
        _fail(path, "'ce_hours' must be greater than 0")
    return hours


def _last_reviewed(path, value):
    if value is None:
        return None
    if not isinstance(value, date):
        _fail(path, "'last_reviewed' must be a date, e.g. 2026-12-03")
    return value


def reference_consistency_problems(modules):
    """A reference id listed differently in two modules: one work has one listing, so the
    course bibliography shows it once."""
    first, problems = {}, []
    for module in modules:
        for reference in module.references:
            seen = first.setdefault(reference.id, (module, reference))
            if seen[1] != reference:
                problems.append(
                    f"{module.path}: reference '{reference.id}' differs from its listing in "
                    f"{seen[0].path.name}; copy one listing to both"
                )
    return problems


def _check_questions(folder, modules, final_exam, by_slug):
    """Every course-wide rule (one listing per reference, the question-writing rules on every
    quiz), all problems reported together."""
    quizzes = folder / "quizzes"
    problems = reference_consistency_problems(modules)
    for module in modules:
        name = quizzes / f"{module.path.stem}.yaml"
        problems += [
            f"{name}: {p}" for p in question_rule_problems(module.questions, module.objectives)
        ]
        problems += [f"{name}: {p}" for p in objective_coverage_problems(module)]
    if final_exam:
        name = quizzes / FINAL_EXAM_FILE
        problems += [
            f"{name}: {p}"
            for p in question_rule_problems(final_exam, lambda q: by_slug[q.section].objectives)
        ]
        problems += [f"{name}: {p}" for p in exposure_problems(modules, final_exam)]
    module_items = [q for m in modules for q in m.questions]
    problems += [f"{quizzes}: {p}" for p in repeated_prompt_problems(module_items)]
    problems += [f"{quizzes / FINAL_EXAM_FILE}: {p}" for p in repeated_prompt_problems(final_exam)]
    if problems:
        raise ContentSourceError("\n".join(problems))


def load_course(folder):
    """Read and cross-check a whole course folder: course.yaml, modules/ and quizzes/."""
    folder = Path(folder)
    course_file = folder / "course.yaml"
    if not course_file.is_file():
        _fail(folder, "has no course.yaml")
    raw = course_file.read_bytes()
    data = _load_yaml(course_file, raw.decode("utf-8"))
    course_type = data.get("course_type", "home_study")
    if course_type not in COURSE_TYPES:
        _fail(course_file, f"'course_type' must be one of {', '.join(COURSE_TYPES)}")
    approvals = []
    for approval in data.get("approvals") or []:
        if not isinstance(approval, dict):
            _fail(course_file, "each approval needs 'approver' and 'number'")
        approvals.append(
            (
                _required_str(course_file, approval, "approver"),
                _required_str(course_file, approval, "number"),
            )
        )
    instructors = [
        InstructorSource(
            name=_required_str(course_file, item, "name"),
            credentials=str(item.get("credentials", "")).strip(),
            bio=str(item.get("bio", "")).strip(),
        )
        for item in data.get("instructors") or []
    ]
    modules, problems = [], []
    for path in sorted((folder / "modules").glob("*.md")):
        try:
            modules.append(parse_module(path))
        except ContentSourceError as exc:
            problems.append(str(exc))
    if problems:  # every module's first problem at once, not one per run
        raise ContentSourceError("\n".join(problems))
    modules.sort(key=lambda module: module.order)
    if not modules:
        _fail(folder, "has no modules in modules/")
    slugs = [module.slug for module in modules]
    if len(set(slugs)) != len(slugs):
        _fail(folder / "modules", "two modules share a slug")
    orders = [module.order for module in modules]
    if len(set(orders)) != len(orders):
        _fail(folder / "modules", "two modules share an order number")
    by_slug = {module.slug: module for module in modules}
    for module in modules:
        for slug in [*module.related, *module.linked_slugs]:
            if slug not in by_slug:
                _fail(module.path, f"links to unknown module '{slug}'")
            if slug == module.slug:
                _fail(module.path, "links to itself")
    final_exam, draw = [], 0
    for quiz_path in sorted((folder / "quizzes").glob("*.yaml")):
        if quiz_path.name == FINAL_EXAM_FILE:
            final_exam, draw = parse_final_exam(quiz_path, by_slug)
            continue
        slug, questions = parse_quiz(quiz_path)
        if slug not in by_slug:
            _fail(quiz_path, f"is for unknown module '{slug}'")
        by_slug[slug].questions.extend(questions)
    _check_questions(folder, modules, final_exam, by_slug)
    slug = _required_str(course_file, data, "slug")
    if not _SLUG.match(slug):
        _fail(course_file, f"slug '{slug}' must be lowercase letters, digits and hyphens")
    return CourseSource(
        path=folder,
        title=_required_str(course_file, data, "title"),
        slug=slug,
        approved_title=_required_str(course_file, data, "approved_title"),
        summary=_required_str(course_file, data, "summary"),
        overview=str(data.get("overview", "")).strip(),
        course_code=_required_str(course_file, data, "course_code"),
        course_type=course_type,
        ce_hours=_parse_ce_hours(course_file, data.get("ce_hours")),
        evaluation_required=bool(data.get("evaluation_required", True)),
        objectives=_objectives(course_file, data),
        prerequisites=str(data.get("prerequisites", "")).strip(),
        scope=str(data.get("scope", "")).strip(),
        last_reviewed=_last_reviewed(course_file, data.get("last_reviewed")),
        approvals=approvals,
        instructors=instructors,
        modules=modules,
        raw=raw,
        final_exam=final_exam,
        final_exam_draw_per_section=draw,
    )


def load_all_courses(root):
    """Every course folder under the content root, in name order."""
    root = Path(root)
    return [load_course(path.parent) for path in sorted(root.glob("*/course.yaml"))]
