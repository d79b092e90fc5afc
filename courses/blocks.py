"""StreamField blocks for module bodies: text, figures, video, clinical callouts, references."""

import re

from django.core.validators import RegexValidator

from wagtail import blocks
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageBlock

RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "link", "hr"]


class FigureBlock(blocks.StructBlock):
    image = ImageBlock(help_text="Describe the picture in the alt text for screen readers.")
    caption = blocks.CharBlock(required=False, max_length=300)

    class Meta:
        icon = "image"
        template = "courses/blocks/figure_block.html"
        help_text = "A picture or diagram with alt text and an optional caption."


class VideoBlock(blocks.StructBlock):
    video = EmbedBlock(help_text="Link to the video, e.g. on YouTube or Vimeo.")
    title = blocks.CharBlock(max_length=200)
    duration_minutes = blocks.IntegerBlock(
        min_value=1, help_text="Running time; counts toward the CE-hour estimate."
    )
    transcript = blocks.RichTextBlock(required=False, features=RICH_TEXT_FEATURES)

    class Meta:
        icon = "media"
        template = "courses/blocks/video_block.html"
        help_text = "An embedded video with its running time and an optional transcript."


class CalloutBlock(blocks.StructBlock):
    KINDS = [
        ("key-point", "Key point"),
        ("clinical-note", "Clinical note"),
        ("contraindication", "Contraindication"),
    ]
    kind = blocks.ChoiceBlock(choices=KINDS, default="key-point")
    title = blocks.CharBlock(required=False, max_length=120)
    body = blocks.RichTextBlock(features=["bold", "italic", "ol", "ul", "link"])

    class Meta:
        icon = "warning"
        template = "courses/blocks/callout_block.html"
        help_text = "A highlighted box: a key point, a clinical note or a contraindication."
        preview_value = {
            "kind": "contraindication",
            "title": "Before you press",
            "body": "<p>Avoid sustained pressure over varicose veins.</p>",
        }


class ReferenceBlock(blocks.StructBlock):
    """One cited work, written as in Vancouver style."""

    TYPES = [
        ("journal", "Journal article (peer-reviewed)"),
        ("book", "Book (a standard text)"),
        ("guideline", "Guideline or statement"),
        ("web", "Web page"),
    ]
    type = blocks.ChoiceBlock(choices=TYPES, default="journal")
    authors = blocks.CharBlock(
        max_length=300, help_text="Surname AB, Surname CD (et al. after six)."
    )
    # Text, not IntegerBlock: the admin posts "1999" back, and an IntegerBlock in a StreamField
    # compares "1999" with the stored 1999 as a change, so an unchanged page approved in a
    # workflow would count as edited and restart its review.
    year = blocks.CharBlock(
        max_length=4, validators=[RegexValidator(r"^\d{4}$", "Enter a four-digit year.")]
    )
    title = blocks.CharBlock(max_length=400)
    source = blocks.CharBlock(
        max_length=300,
        help_text="Journal volume(issue):pages, or publisher and edition, or organisation.",
    )
    doi = blocks.CharBlock(
        required=False,
        max_length=200,
        label="DOI",
        help_text="e.g. 10.1093/rheumatology/keu471, without https://doi.org/.",
        validators=[RegexValidator(r"^10\.\d{4,9}/\S+$", "Enter a DOI such as 10.1000/xyz123.")],
    )
    url = blocks.URLBlock(required=False, label="URL", help_text="Only if there is no DOI.")

    class Meta:
        icon = "doc-full"


class ReferenceListBlock(blocks.ListBlock):
    """A module's numbered reference list; the text cites item N with a link to #ref-N."""

    def __init__(self, **kwargs):
        super().__init__(ReferenceBlock(), **kwargs)

    class Meta:
        icon = "list-ol"
        template = "courses/blocks/references_block.html"
        label = "References"


_CITED = re.compile(r'href="#ref-(\d+)"')


def cited_numbers(stream_value):
    """The reference numbers a module body's text and callouts link to."""
    numbers = set()
    for block in stream_value:
        if block.block_type == "text":
            numbers.update(int(n) for n in _CITED.findall(block.value.source))
        elif block.block_type == "callout":
            numbers.update(int(n) for n in _CITED.findall(block.value["body"].source))
    return numbers


def _work_key(ref):
    """What makes two listings the same work: DOI, else URL, else title and year."""
    return (ref["doi"] or "").lower() or ref["url"] or f"{ref['title'].casefold()}|{ref['year']}"


def bibliography(bodies):
    """Every work the module bodies list, each once, by first author then year."""
    works = {}
    for body in bodies:
        for block in body:
            if block.block_type == "references":
                for ref in block.value:
                    works.setdefault(_work_key(ref), ref)
    return sorted(works.values(), key=lambda ref: (ref["authors"].casefold(), ref["year"]))


class ModuleBodyBlock(blocks.StreamBlock):
    text = blocks.RichTextBlock(
        features=RICH_TEXT_FEATURES,
        icon="pilcrow",
        template="courses/blocks/text_block.html",
    )
    figure = FigureBlock()
    video = VideoBlock()
    callout = CalloutBlock()
    references = ReferenceListBlock()

    class Meta:
        block_counts = {"references": {"max_num": 1}}

    def clean(self, value):
        """Every citation ("[n]" linked to #ref-n) points at an item of the reference list."""
        value = super().clean(value)
        listed = sum(len(block.value) for block in value if block.block_type == "references")
        missing = sorted(n for n in cited_numbers(value) if not 1 <= n <= listed)
        if missing:
            raise blocks.StreamBlockValidationError(
                non_block_errors=[
                    f"The text cites reference {', '.join(map(str, missing))}, but the "
                    f"References block lists {listed}. Add the reference or remove the link."
                ]
            )
        return value


class ObjectivesBlock(blocks.StreamBlock):
    objective = blocks.CharBlock(
        max_length=300, icon="tick", help_text="Start with a verb: explain, recognise, apply."
    )
