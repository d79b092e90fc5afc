"""The design system: the tokens site.css defines, the contrast of the colour pairs the site
uses (docs/design.md), and templates that a strict Content-Security-Policy can serve as they
are (no style attributes, <style> elements, inline scripts or event-handler attributes)."""

import re
from pathlib import Path

from django.conf import settings

import pytest

BASE = Path(settings.BASE_DIR)
SITE_CSS = BASE / "cms" / "static" / "cms" / "css" / "site.css"
APPS = ("accounts", "cms", "courses", "quizzes", "certificates")
# Rendered to PDF by WeasyPrint, never served to a browser: their styles stay inside them.
PDF_TEMPLATES = {
    BASE / "certificates" / "templates" / "certificates" / "certificate_pdf.html",
    BASE / "certificates" / "templates" / "certificates" / "transcript_pdf.html",
}

REQUIRED_TOKENS = {
    # colour
    "--color-text",
    "--color-text-muted",
    "--color-bg",
    "--color-surface",
    "--color-border",
    "--color-border-strong",
    "--color-primary",
    "--color-primary-hover",
    "--color-note",
    "--color-danger",
    "--color-success",
    "--color-warning",
    # type
    "--font-body",
    "--font-mono",
    "--text-sm",
    "--text-base",
    "--text-lg",
    "--text-xl",
    "--text-2xl",
    "--text-3xl",
    # spacing, radius, shadow, focus
    "--space-1",
    "--space-2",
    "--space-3",
    "--space-4",
    "--space-5",
    "--space-6",
    "--radius-sm",
    "--radius",
    "--radius-lg",
    "--shadow-sm",
    "--shadow-md",
    "--focus-color",
    "--focus-width",
    "--focus-offset",
}

# (foreground, background, minimum): WCAG 2.2 AA, 4.5:1 for text and 3:1 for the parts of
# controls and the focus ring. Every pair the stylesheet sets is listed in docs/design.md.
CONTRAST_PAIRS = [
    ("--color-text", "--color-bg", 4.5),
    ("--color-text", "--color-surface", 4.5),
    ("--color-text-muted", "--color-bg", 4.5),
    ("--color-text-muted", "--color-surface", 4.5),
    ("--color-primary", "--color-bg", 4.5),
    ("--color-primary", "--color-surface", 4.5),
    ("--color-primary", "--color-primary-tint", 4.5),
    ("--color-primary-hover", "--color-primary-tint", 4.5),
    ("--color-on-primary", "--color-primary", 4.5),
    ("--color-on-primary", "--color-primary-hover", 4.5),
    ("--color-on-primary", "--color-danger", 4.5),
    ("--color-header-text", "--color-header-bg", 4.5),
    ("--color-header-accent", "--color-header-bg", 3),
    ("--color-note", "--color-note-tint", 4.5),
    ("--color-danger", "--color-danger-tint", 4.5),
    ("--color-danger", "--color-bg", 4.5),
    ("--color-success", "--color-success-tint", 4.5),
    ("--color-warning", "--color-warning-tint", 4.5),
    ("--color-text", "--color-danger-tint", 4.5),
    ("--color-text", "--color-warning-tint", 4.5),
    ("--color-border-strong", "--color-bg", 3),
    ("--focus-color", "--color-bg", 3),
    ("--focus-color", "--color-surface", 3),
    ("--focus-color", "--color-danger-tint", 3),
    ("--focus-color", "--color-note-tint", 3),
    ("--focus-color", "--color-primary-tint", 3),
]


@pytest.fixture(scope="module")
def tokens():
    css = SITE_CSS.read_text(encoding="utf-8")
    root = re.search(r":root\s*\{(.*?)\n\}", css, flags=re.S)
    assert root, "site.css starts with a :root block of tokens"
    body = re.sub(r"/\*.*?\*/", "", root.group(1), flags=re.S)
    return dict(re.findall(r"(--[\w-]+)\s*:\s*([^;]+);", body))


def luminance(hex_colour):
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one, other):
    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_contrast_formula():
    assert round(contrast("#000000", "#ffffff"), 1) == 21.0
    assert round(contrast("#767676", "#ffffff"), 2) == 4.54


def test_site_css_defines_the_design_tokens(tokens):
    assert not REQUIRED_TOKENS - set(tokens), sorted(REQUIRED_TOKENS - set(tokens))


def test_every_token_the_stylesheet_uses_is_defined(tokens):
    used = set(re.findall(r"var\((--[\w-]+)", SITE_CSS.read_text(encoding="utf-8")))
    local = {"--callout-color", "--callout-tint", "--message-color", "--message-tint"}
    local |= {"--verdict-color", "--verdict-tint"}
    assert used - set(tokens) - local == set()


def test_no_web_fonts_or_imports():
    css = SITE_CSS.read_text(encoding="utf-8")
    assert "@font-face" not in css and "@import" not in css and "url(" not in css


@pytest.mark.parametrize(("foreground", "background", "minimum"), CONTRAST_PAIRS)
def test_colour_pairs_meet_wcag_aa(tokens, foreground, background, minimum):
    one, other = tokens[foreground].strip(), tokens[background].strip()
    assert re.fullmatch(r"#[0-9a-f]{6}", one) and re.fullmatch(r"#[0-9a-f]{6}", other)
    ratio = contrast(one, other)
    assert ratio >= minimum, f"{foreground} on {background}: {ratio:.2f}:1 < {minimum}:1"


def templates():
    for app in APPS:
        for path in sorted((BASE / app / "templates").rglob("*.html")):
            if path not in PDF_TEMPLATES:
                yield path


INLINE = {
    "style attribute": re.compile(r"<[a-zA-Z][^>]*\sstyle\s*=", re.S),
    "<style> element": re.compile(r"<style[\s>]", re.I),
    "inline <script>": re.compile(r"<script(?![^>]*\ssrc=)[^>]*>", re.I),
    "event-handler attribute": re.compile(r"<[a-zA-Z][^>]*\son[a-z]+\s*=", re.S),
    "javascript: URL": re.compile(r"javascript:", re.I),
}


def test_templates_are_found():
    found = list(templates())
    assert len(found) > 30
    assert BASE / "cms" / "templates" / "base.html" in found


@pytest.mark.parametrize("path", list(templates()), ids=lambda p: str(p.relative_to(BASE)))
def test_template_holds_no_inline_style_or_script(path):
    text = path.read_text(encoding="utf-8")
    found = [name for name, pattern in INLINE.items() if pattern.search(text)]
    assert not found, f"{path.relative_to(BASE)}: {', '.join(found)}"
