"""Draws the site's icons from the brand mark in the header (cms/templates/base.html), into
cms/static/cms/img/: favicon.ico (16, 32 and 48 px) and apple-touch-icon.png (180 px, opaque,
as iOS wants). The files are committed; run this again only when the mark changes.
favicon.svg beside them is the same mark, written by hand."""

from pathlib import Path

from django.core.management.base import BaseCommand

from PIL import Image, ImageDraw

IMG = Path(__file__).resolve().parents[2] / "static" / "cms" / "img"
GOLD, TEAL = "#ffd27a", "#073f3e"
SCALE = 8  # drawn this much larger, then reduced: smooth edges at small sizes

# The mark's two arches as cubic Bézier segments, in its 36-unit view box.
ARCHES = [
    [((9, 24), (12, 15), (15, 12), (18, 12)), ((18, 12), (21, 12), (24, 15), (27, 24))],
    [((12, 25), (14, 19), (16, 17), (18, 17)), ((18, 17), (20, 17), (22, 19), (24, 25))],
]


def bezier_points(segment, steps=32):
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = segment
    points = []
    for n in range(steps + 1):
        t = n / steps
        a, b, c, d = (1 - t) ** 3, 3 * (1 - t) ** 2 * t, 3 * (1 - t) * t**2, t**3
        points.append((a * x0 + b * x1 + c * x2 + d * x3, a * y0 + b * y1 + c * y2 + d * y3))
    return points


def draw_mark(size, background=None, margin=0.0):
    """The mark at `size` px square; on a `background` colour when given (else transparent),
    inset by `margin` (a fraction of the size) on each side."""
    big = size * SCALE
    image = Image.new("RGBA", (big, big), background or (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    unit = big * (1 - 2 * margin) / 36
    offset = big * margin

    def at(x, y):
        return (offset + x * unit, offset + y * unit)

    def disc(x, y, radius, fill):
        cx, cy = at(x, y)
        r = radius * unit
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=fill)

    disc(18, 18, 17, GOLD)
    width = 2.4
    for arch in ARCHES:
        points = [at(*p) for segment in arch for p in bezier_points(segment)]
        draw.line(points, fill=TEAL, width=round(width * unit), joint="curve")
        for end in (arch[0][0], arch[-1][-1]):  # round caps
            disc(*end, width / 2, TEAL)
    disc(18, 9.5, 2.4, TEAL)
    return image.resize((size, size), Image.Resampling.LANCZOS)


class Command(BaseCommand):
    help = "Draw favicon.ico and apple-touch-icon.png from the brand mark."

    def handle(self, *args, **options):
        IMG.mkdir(parents=True, exist_ok=True)
        draw_mark(48).save(IMG / "favicon.ico", sizes=[(16, 16), (32, 32), (48, 48)])
        touch = draw_mark(180, background=TEAL, margin=0.1).convert("RGB")
        touch.save(IMG / "apple-touch-icon.png", optimize=True)
        self.stdout.write(f"Wrote favicon.ico and apple-touch-icon.png in {IMG}")
