"""StreamField blocks for module bodies: text, figures, video and clinical callouts."""

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


class ModuleBodyBlock(blocks.StreamBlock):
    text = blocks.RichTextBlock(
        features=RICH_TEXT_FEATURES,
        icon="pilcrow",
        template="courses/blocks/text_block.html",
    )
    figure = FigureBlock()
    video = VideoBlock()
    callout = CalloutBlock()


class ObjectivesBlock(blocks.StreamBlock):
    objective = blocks.CharBlock(
        max_length=300, icon="tick", help_text="Start with a verb: explain, recognise, apply."
    )
