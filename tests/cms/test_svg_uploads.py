"""SVG uploads that could run code or fetch from elsewhere are refused, on every image
upload path (issue 18, defect 6)."""

from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from wagtail.images import get_image_model
from wagtail.images.forms import get_image_form
from wagtail.models import Collection

import pytest

from cms.svg import svg_upload_problem

OPEN = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 10 10" width="10" height="10">'  # noqa: E501
SAFE = (
    OPEN + '<defs><linearGradient id="g"><stop offset="0"/></linearGradient>'
    '<circle id="dot" r="1"/></defs><rect width="10" height="10" fill="url(#g)"/>'
    '<use href="#dot"/><use xlink:href="#dot"/><style>rect { stroke: #000 }</style></svg>'
)
UNSAFE = {
    "script": OPEN + "<script>alert(document.cookie)</script></svg>",
    "namespaced script": OPEN
    + '<h:script xmlns:h="http://www.w3.org/1999/xhtml">alert(1)</h:script></svg>',
    "event handler": OPEN + '<rect width="10" height="10" onload="alert(1)"/></svg>',
    "event handler on root": OPEN.replace("<svg ", '<svg onload="alert(1)" ') + "</svg>",
    "foreignObject": OPEN + "<foreignObject><div>x</div></foreignObject></svg>",
    "external use": OPEN + '<use href="https://evil.example/sprite.svg#a"/></svg>',
    "external xlink use": OPEN + '<use xlink:href="sprite.svg#a"/></svg>',
    "link": OPEN + '<a href="javascript:alert(1)"><text>x</text></a></svg>',
    "external image": OPEN + '<image href="https://evil.example/x.png"/></svg>',
    "import": OPEN + '<style>@import url("https://evil.example/x.css");</style></svg>',
    "style url": OPEN + "<style>rect { fill: url(https://evil.example/x) }</style></svg>",
    "attribute url": OPEN + '<rect fill="url(https://evil.example/x#p)"/></svg>',
    "inline style url": OPEN + '<rect style="fill: url( //evil.example/x )"/></svg>',
    "animation": OPEN + '<a><set attributeName="href" to="javascript:alert(1)"/></a></svg>',
    "stylesheet pi": '<?xml-stylesheet href="https://evil.example/x.css"?>' + SAFE,
    "entity": '<!DOCTYPE svg [<!ENTITY x "y">]>' + OPEN + "<text>&x;</text></svg>",
}


def upload(content, name="picture.svg"):
    return SimpleUploadedFile(name, content.encode(), content_type="image/svg+xml")


def test_a_plain_svg_is_fine():
    assert svg_upload_problem(SAFE.encode()) is None


@pytest.mark.parametrize("kind", UNSAFE)
def test_unsafe_svgs_are_named(kind):
    assert svg_upload_problem(UNSAFE[kind].encode())


def test_the_demo_courses_diagrams_and_logo_pass():
    files = sorted((settings.BASE_DIR / "content").rglob("*.svg"))
    assert len(files) > 5
    for path in files:
        assert svg_upload_problem(Path(path).read_bytes()) is None, path


@pytest.mark.parametrize("kind", UNSAFE)
def test_the_image_form_refuses_them(db, kind):
    form_class = get_image_form(get_image_model())
    form = form_class(
        data={"title": "Evil", "collection": Collection.get_first_root_node().pk},
        files={"file": upload(UNSAFE[kind])},
    )
    assert not form.is_valid()
    if kind != "entity":  # Wagtail's own check already refuses that one as "not an image"
        assert "SVG images may not contain scripts" in str(form.errors["file"])


def test_the_image_form_takes_a_safe_svg(db):
    form_class = get_image_form(get_image_model())
    form = form_class(
        data={"title": "Fine", "collection": Collection.get_first_root_node().pk},
        files={"file": upload(SAFE)},
    )
    assert form.is_valid(), form.errors


def test_the_admin_add_view_refuses_a_script(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        "/admin/images/add/", {"title": "Evil", "file": upload(UNSAFE["script"])}
    )
    assert response.status_code == 200
    assert "has a &lt;script&gt; element" in response.text
    assert not get_image_model().objects.exists()


def test_the_admin_add_view_takes_a_safe_svg(client, admin_user):
    client.force_login(admin_user)
    response = client.post("/admin/images/add/", {"title": "Fine", "file": upload(SAFE)})
    assert response.status_code == 302
    assert get_image_model().objects.get().title == "Fine"


def test_the_multiple_upload_refuses_a_script(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        "/admin/images/multiple/add/",
        {"files[]": upload(UNSAFE["event handler"])},
        headers={"x-requested-with": "XMLHttpRequest"},
    )
    assert response.json()["success"] is False
    assert "event-handler attribute" in response.json()["error_message"]
    assert not get_image_model().objects.exists()


def chooser_upload(client, content):
    return client.post(
        reverse("wagtailimages_chooser:create"),
        {"image-chooser-upload-title": "Picture", "image-chooser-upload-file": upload(content)},
    )


def test_the_chooser_upload_refuses_a_script(client, admin_user):
    client.force_login(admin_user)
    response = chooser_upload(client, UNSAFE["script"])
    assert response.status_code == 200
    assert "has a &lt;script&gt; element" in response.json()["htmlFragment"]
    assert not get_image_model().objects.exists()
    chooser_upload(client, SAFE)  # and the same request with a safe file is taken
    assert get_image_model().objects.count() == 1


def test_replacing_an_images_file_is_checked(client, admin_user):
    client.force_login(admin_user)
    client.post("/admin/images/add/", {"title": "Fine", "file": upload(SAFE)})
    image = get_image_model().objects.get()
    response = client.post(
        f"/admin/images/{image.pk}/",
        {"title": "Fine", "file": upload(UNSAFE["foreignObject"])},
    )
    assert response.status_code == 200
    assert "foreignObject" in response.text
    image.refresh_from_db()
    assert svg_upload_problem(image.file.read()) is None
