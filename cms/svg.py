"""Whether an uploaded SVG is safe to serve from the site's own origin.

An SVG is a document: opened on its own it runs scripts like a page on our domain (media may
be served from it, docs/deploy.md). So every image upload that is an SVG is checked, and one
that could run code or fetch from elsewhere is refused with a message, not cleaned: an
editor can re-export it without those parts, and nothing half-cleaned is ever served.

Refused: <script>, <foreignObject> and other embedded documents (iframe, object, embed),
animation elements (they can rewrite an attribute, such as href, after it was checked),
event-handler attributes (on...), links and references to anything but a #fragment of the
same file (href, xlink:href), url(...) to outside and @import in attributes or <style>,
javascript: URLs, processing instructions such as <?xml-stylesheet?>, XHTML elements, and
DOCTYPE or entity declarations (the parser, defusedxml, refuses those).
"""

import re

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError
from defusedxml.ElementTree import fromstring as parse_xml

SVG_NS = "http://www.w3.org/2000/svg"
XHTML_NS = "http://www.w3.org/1999/xhtml"
FORBIDDEN_ELEMENTS = frozenset(
    {
        "animate",
        "animateMotion",
        "animateTransform",
        "audio",
        "discard",
        "embed",
        "foreignObject",
        "handler",
        "iframe",
        "listener",
        "object",
        "script",
        "set",
        "video",
    }
)
_EXTERNAL_URL = re.compile(r"url\(\s*['\"]?\s*(?!#)", re.IGNORECASE)
_PROCESSING_INSTRUCTION = re.compile(rb"<\?(?!xml[\s?])")
_BOM_AND_SPACE = b"\xef\xbb\xbf \t\r\n"


def looks_like_svg(data, name=""):
    """Whether an upload is (or claims to be) SVG: by its name, or because it starts as XML
    (no raster format starts with "<")."""
    return name.lower().endswith((".svg", ".svgz")) or data.lstrip(_BOM_AND_SPACE).startswith(b"<")


def local_name(name):
    """('namespace', 'local') from ElementTree's '{namespace}local'."""
    if name.startswith("{"):
        namespace, _, local = name[1:].partition("}")
        return namespace, local
    return "", name


def text_problem(text, where):
    """What makes a piece of style or attribute text unsafe, or None."""
    lowered = "".join(text.split()).lower()
    if "@import" in lowered:
        return f"has an @import in {where}"
    if _EXTERNAL_URL.search(text):
        return f"refers to another file with url(...) in {where}"
    if "javascript:" in lowered:
        return f"has a javascript: URL in {where}"
    return None


def svg_upload_problem(data):
    """Why this SVG must not be served from our origin, as a phrase ("has a <script>
    element"), or None when it is safe."""
    if _PROCESSING_INSTRUCTION.search(data):
        return "has a processing instruction such as <?xml-stylesheet?>"
    try:
        root = parse_xml(data, forbid_dtd=True)
    except DefusedXmlException:
        return "has a DOCTYPE or entity declaration"
    except ParseError:
        return "is not a well-formed SVG (XML) file"
    if root.tag != f"{{{SVG_NS}}}svg":
        return "does not start with an <svg> element in the SVG namespace"
    for element in root.iter():
        if not isinstance(element.tag, str):  # comments
            continue
        namespace, tag = local_name(element.tag)
        if namespace == XHTML_NS:
            return f"has an HTML element <{tag}>"
        if tag in FORBIDDEN_ELEMENTS:
            return f"has a <{tag}> element"
        if tag == "style":
            problem = text_problem("".join(element.itertext()), "<style>")
            if problem:
                return problem
        for key, value in element.attrib.items():
            _namespace, attr = local_name(key)
            if attr.lower().startswith("on"):
                return f"has an event-handler attribute {attr} on <{tag}>"
            if attr.lower() == "href" and not value.strip().startswith("#"):
                return f"refers to another file or address on <{tag}> ({attr}={value.strip()!r})"
            problem = text_problem(value, f"the {attr} attribute of <{tag}>")
            if problem:
                return problem
    return None
