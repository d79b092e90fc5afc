"""Importing course content sources into Wagtail pages, through revisions.

Re-importing never duplicates a page: pages are found by slug under their parent. A page is
only revised when its source changed since the last import (its digest differs), so running
the import again changes nothing and keeps edits made in the admin since.
"""

import hashlib
import json
import uuid
from dataclasses import dataclass, field

from django.db import transaction

from wagtail.images import get_image_model
from wagtail.models import Collection, Site

from cms.models import attach_image_file

from .content_source import (
    DIAGRAMS_FOLDER,
    CalloutSegment,
    CourseSource,
    FigureSegment,
    cite,
)
from .markdown import markdown_to_rich_text
from .models import (
    CourseApproval,
    CourseIndexPage,
    CourseInstructor,
    CoursePage,
    Instructor,
    ModulePage,
    ModuleRelatedLink,
    Principle,
)
from .signals import course_imported

CATALOG_SLUG = "courses"


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    def __str__(self):
        return (
            f"{len(self.created)} created, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged"
        )


def _block_id(*parts):
    """A stable StreamField block id, so an unchanged source gives unchanged data."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "nmt-content:" + ":".join(map(str, parts))))


def _objectives(values, owner):
    return [
        {"type": "objective", "value": text, "id": _block_id(owner, "objective", n)}
        for n, text in enumerate(values)
    ]


def module_body(module, resolve, images=None):
    """The StreamField data for a module's body segments.

    `images` maps a figure's file name to the id of its Wagtail image.
    """
    blocks = []
    for n, segment in enumerate(module.segments):
        if isinstance(segment, FigureSegment):
            image = {"image": images[segment.file], "decorative": False, "alt_text": segment.alt}
            value = {"image": image, "caption": segment.caption}
            blocks.append({"type": "figure", "value": value, "id": _block_id(module.slug, n)})
            continue
        html = markdown_to_rich_text(cite(segment.markdown, module.citation_numbers), resolve)
        if isinstance(segment, CalloutSegment):
            value = {"kind": segment.kind, "title": segment.title, "body": html}
            blocks.append({"type": "callout", "value": value, "id": _block_id(module.slug, n)})
        else:
            blocks.append({"type": "text", "value": html, "id": _block_id(module.slug, n)})
    if module.references:
        blocks.append(
            {
                "type": "references",
                "value": [
                    {
                        "type": "item",
                        "value": _reference_value(reference),
                        "id": _block_id(module.slug, "reference", reference.id),
                    }
                    for reference in module.references
                ],
                "id": _block_id(module.slug, "references"),
            }
        )
    return blocks


def _reference_value(reference):
    fields = ("type", "authors", "title", "source", "doi", "url")
    return {"year": str(reference.year), **{name: getattr(reference, name) for name in fields}}


def get_or_create_catalog(home):
    """The single CourseIndexPage (slug `courses`), created under the home page if missing."""
    catalog = CourseIndexPage.objects.first()
    if catalog is None:
        catalog = CourseIndexPage(
            title="Courses",
            slug=CATALOG_SLUG,
            intro="<p>Home-study continuing education in Neuromuscular Therapy.</p>",
        )
        home.add_child(instance=catalog)
        catalog.save_revision().publish()
    return catalog


def image_title(course_slug, file):
    """The title that ties a Wagtail image to its source file: where it lives in content/."""
    return f"{course_slug}/{DIAGRAMS_FOLDER}/{file}"


def _course_collection(source):
    """The image collection named after the course, created under the root if missing."""
    root = Collection.get_first_root_node()
    collection = root.get_children().filter(name=source.title).first()
    return collection or root.add_child(name=source.title)


def _import_figures(source, user):
    """Create or update the course's diagram images; return {file name: image id}.

    An image is found by its title (see `image_title`), wherever it has been moved; its file
    is replaced only when the SVG's bytes changed, so an unchanged source changes nothing.
    """
    Image = get_image_model()
    figures = {figure.file: figure for module in source.modules for figure in module.figures}
    titles = {file: image_title(source.slug, file) for file in figures}
    found = {}
    for image in Image.objects.filter(title__in=titles.values()).order_by("-id"):
        found[image.title] = image  # the oldest wins if an editor made a copy
    collection = None
    ids = {}
    for file, figure in figures.items():
        image = found.get(titles[file])
        if image is None:
            collection = collection or _course_collection(source)
            image = Image(
                title=titles[file],
                collection=collection,
                description=figure.alt,
                uploaded_by_user=user,
            )
        elif image.file_hash == figure.sha1 and image.file.storage.exists(image.file.name):
            ids[file] = image.id
            continue
        old_file = image.file.name if image.pk else None
        attach_image_file(image, figure.data, file)
        if old_file:
            image.description = figure.alt
        image.save()
        if old_file:
            # As Wagtail's own image form does when a file is replaced: renditions go, and the
            # old file too, once the new one is committed.
            image.renditions.all().delete()
            if old_file != image.file.name:
                storage = image.file.storage
                transaction.on_commit(lambda name=old_file, storage=storage: storage.delete(name))
        ids[file] = image.id
    return ids


def _publish(page, user):
    revision = page.save_revision(user=user, log_action=True)
    revision.publish(user=user)


def source_digest(*parts):
    """A stable hash of source parts, to tell whether an import would change anything."""
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def _import_course_page(source, catalog, user, report):
    page = CoursePage.objects.child_of(catalog).filter(slug=source.slug).first()
    digest = source_digest(source.digest)
    if page is not None and page.source_digest == digest:
        report.unchanged.append(page.url_path)
        return page
    instructors = []
    for item in source.instructors:
        instructor, _ = Instructor.objects.get_or_create(
            name=item.name,
            defaults={"credentials": item.credentials, "bio": f"<p>{item.bio}</p>"},
        )
        instructors.append(instructor)
    fields = {
        "title": source.title,
        "approved_title": source.approved_title,
        "summary": source.summary,
        "overview": markdown_to_rich_text(source.overview),
        "ce_hours": source.ce_hours,
        "course_type": source.course_type,
        "course_code": source.course_code,
        "learning_objectives": _objectives(source.objectives, source.slug),
        "prerequisites": markdown_to_rich_text(source.prerequisites),
        "scope": markdown_to_rich_text(source.scope),
        "content_reviewed_on": source.last_reviewed,
        "evaluation_required": source.evaluation_required,
        "source_digest": digest,
    }
    created = page is None
    if created:
        page = CoursePage(slug=source.slug, live=False, **fields)
        catalog.add_child(instance=page)
    else:
        for name, value in fields.items():
            setattr(page, name, value)
    page.course_instructors = [CourseInstructor(instructor=i) for i in instructors]
    page.approvals = [CourseApproval(approver=a, number=n) for a, n in source.approvals]
    _publish(page, user)
    (report.created if created else report.updated).append(page.url_path)
    return page


@transaction.atomic
def import_course(source: CourseSource, catalog, user=None):
    """Create or update a course page and its module pages from a parsed source."""
    report = ImportReport()
    course = _import_course_page(source, catalog, user, report)
    existing = {page.slug: page for page in ModulePage.objects.child_of(course)}
    created = set()
    # First pass: every module page exists, so module links can be resolved to page ids.
    for module in source.modules:
        if module.slug not in existing:
            page = ModulePage(
                title=module.title,
                slug=module.slug,
                summary=module.summary,
                estimated_minutes=module.estimated_minutes,
                body=[],
                live=False,
            )
            course.add_child(instance=page)
            existing[module.slug] = page
            created.add(module.slug)
    ids = {slug: page.id for slug, page in existing.items()}
    images = _import_figures(source, user)
    principles = {p.slug: p for p in Principle.objects.all()}
    for module in source.modules:
        page = existing[module.slug]
        linked = {slug: ids[slug] for slug in [*module.related, *module.linked_slugs]}
        figures = {figure.file: images[figure.file] for figure in module.figures}
        parts = [module.digest, linked]
        if figures:
            parts.append(figures)  # a module without figures keeps the digest it had
        digest = source_digest(*parts)
        if page.source_digest == digest:
            report.unchanged.append(page.url_path)
            continue
        page.title = module.title
        page.summary = module.summary
        page.estimated_minutes = module.estimated_minutes
        page.objectives = _objectives(module.objectives, module.slug)
        page.body = module_body(module, ids.__getitem__, images)
        page.principles.set([principles[slug] for slug in module.principles])
        page.related_links = [ModuleRelatedLink(related_id=ids[slug]) for slug in module.related]
        page.source_digest = digest
        _publish(page, user)
        (report.created if module.slug in created else report.updated).append(page.url_path)
    course_imported.send(sender=CoursePage, source=source, course=course)
    return report


@transaction.atomic
def import_all(courses, user=None):
    """Import parsed course sources under the default site's catalog page."""
    home = Site.objects.get(is_default_site=True).root_page
    catalog = get_or_create_catalog(home)
    report = ImportReport()
    for source in courses:
        result = import_course(source, catalog, user)
        report.created += result.created
        report.updated += result.updated
        report.unchanged += result.unchanged
    return report
