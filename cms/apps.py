from django.apps import AppConfig


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = "Site"

    def ready(self):
        from django.core.signals import setting_changed
        from django.db.models.signals import post_delete

        from wagtail.contrib.settings.models import BaseSiteSetting
        from wagtail.images import get_image_model
        from wagtail.models import Page, PageViewRestriction, Site
        from wagtail.signals import page_published, page_unpublished, post_page_move

        from .page_cache import forget_resolved_paths, invalidate_on, new_generation

        setting_changed.connect(forget_resolved_paths, dispatch_uid="page-cache-urlconf")

        for signal in (page_published, page_unpublished, post_page_move):
            signal.connect(new_generation, dispatch_uid=f"page-cache-{signal!r}")

        def page_deleted(sender, instance, **kwargs):
            if isinstance(instance, Page):  # any page type; settings are connected below
                new_generation()

        post_delete.connect(page_deleted, weak=False, dispatch_uid="page-cache-delete")
        invalidate_on(
            get_image_model(), Site, PageViewRestriction, *BaseSiteSetting.__subclasses__()
        )
