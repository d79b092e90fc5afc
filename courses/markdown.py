"""Markdown to Wagtail rich text (database format), for the content importer."""

from django.utils.html import escape

from markdown_it import MarkdownIt

MODULE_LINK_PREFIX = "module:"


class UnresolvedModuleLink(ValueError):
    pass


def _renderer(resolve_module):
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": True})
    md.enable(["replacements", "smartquotes"])
    md.disable(["image", "code", "fence", "html_block", "html_inline"])

    # Wagtail's editor stores bold and italic as <b> and <i>.
    md.add_render_rule("strong_open", lambda *a, **k: "<b>")
    md.add_render_rule("strong_close", lambda *a, **k: "</b>")
    md.add_render_rule("em_open", lambda *a, **k: "<i>")
    md.add_render_rule("em_close", lambda *a, **k: "</i>")

    def link_open(self, tokens, idx, options, env):
        href = tokens[idx].attrGet("href") or ""
        if href.startswith(MODULE_LINK_PREFIX):
            page_id = resolve_module(href[len(MODULE_LINK_PREFIX) :])
            return f'<a linktype="page" id="{int(page_id)}">'
        return f'<a href="{escape(href)}">'

    md.add_render_rule("link_open", link_open)
    return md


def markdown_to_rich_text(text, resolve_module=None):
    """Render Markdown as Wagtail rich text HTML.

    `module:<slug>` links become internal page links through `resolve_module(slug) -> page id`.
    """

    def refuse(slug):
        raise UnresolvedModuleLink(f"no page for module link '{slug}'")

    return _renderer(resolve_module or refuse).render(text).strip()
