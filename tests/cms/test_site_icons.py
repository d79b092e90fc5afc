"""The favicon and touch icon: /favicon.ico answers, and every page links the icons."""

from io import BytesIO

from django.contrib.staticfiles import finders

import pytest
from PIL import Image

ICON_LINKS = (
    '<link rel="icon" href="/static/cms/img/favicon.ico" sizes="32x32">',
    '<link rel="icon" href="/static/cms/img/favicon.svg" type="image/svg+xml">',
    '<link rel="apple-touch-icon" href="/static/cms/img/apple-touch-icon.png">',
)


@pytest.mark.parametrize(
    ("path", "content_type", "image_format"),
    [("/favicon.ico", "image/x-icon", "ICO"), ("/apple-touch-icon.png", "image/png", "PNG")],
)
def test_root_icons_answer_with_the_image(client, db, path, content_type, image_format):
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert "max-age=86400" in response["Cache-Control"]
    assert Image.open(BytesIO(response.content)).format == image_format
    assert client.head(path).status_code == 200
    assert client.post(path).status_code == 405


def test_the_touch_icon_is_an_opaque_180_px_square():
    with Image.open(finders.find("cms/img/apple-touch-icon.png")) as image:
        assert image.size == (180, 180)
        assert image.mode == "RGB"  # iOS paints transparency black


def test_the_favicon_holds_the_small_sizes():
    with Image.open(finders.find("cms/img/favicon.ico")) as image:
        assert {(16, 16), (32, 32), (48, 48)} <= set(image.info["sizes"])


def test_the_svg_icon_is_served_as_a_static_file():
    with open(finders.find("cms/img/favicon.svg")) as svg:
        assert svg.read().startswith('<svg xmlns="http://www.w3.org/2000/svg"')


@pytest.mark.parametrize("path", ["/courses/", "/accounts/login/", "/verify/", "/no-such-page/"])
def test_pages_link_the_icons(client, catalog, path):
    html = client.get(path).text
    for link in ICON_LINKS:
        assert link in html, path
