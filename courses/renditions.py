"""Figure renditions are made when a module is published, never while a learner waits."""

# The filter the figure template uses (courses/templates/courses/blocks/figure_block.html).
FIGURE_FILTER = "width-960|format-webp|preserve-svg"


def figure_images(page):
    return [
        block.value["image"]
        for block in page.body
        if block.block_type == "figure" and block.value.get("image")
    ]


def make_figure_renditions(sender, instance, **kwargs):
    """page_published receiver: make the renditions a module's figures show."""
    from .models import ModulePage

    page = instance.specific
    if isinstance(page, ModulePage):
        for image in figure_images(page):
            image.get_rendition(FIGURE_FILTER)
