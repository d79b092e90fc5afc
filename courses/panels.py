from django.utils.html import format_html

from wagtail.admin.panels import Panel


class CEHourEstimatePanel(Panel):
    """Shows the NCBTMB CE-hour estimate from the course's modules beside the claimed hours."""

    def __init__(self, **kwargs):
        kwargs.setdefault("heading", "NCBTMB estimate")
        super().__init__(**kwargs)

    class BoundPanel(Panel.BoundPanel):
        def render_html(self, parent_context=None):
            page = self.instance
            if not page.pk:
                return format_html("<p>The estimate appears once the course has modules.</p>")
            estimate = page.ce_hour_estimate()
            return format_html(
                '<div class="help-block help-info" data-ce-estimate>'
                "<p><strong>Estimated {} CE hours</strong> from {} words read and {} minutes "
                "of video (NCBTMB: about 12,000 words or 60 minutes per CE hour). "
                "Claimed: {} CE hours, {}.</p></div>",
                estimate.hours,
                f"{estimate.words:,}",
                estimate.media_minutes,
                page.ce_hours,
                estimate.compare(page.ce_hours),
            )
