from django.db import migrations

PRINCIPLES = [
    (
        "Adhesions",
        "adhesions",
        "Fibrous bonds between tissues that should glide, which limit movement.",
    ),
    (
        "Facilitation",
        "facilitation",
        "A lowered firing threshold in nerve pathways, so tissues respond to less.",
    ),
    ("Hypertonicity", "hypertonicity", "Muscle tone held higher than the task needs."),
    (
        "Ischemia",
        "ischemia",
        "Reduced blood flow in soft tissue, often from sustained contraction.",
    ),
    ("Joint fixation", "joint-fixation", "A joint segment whose motion is restricted."),
    ("Nerve compression", "nerve-compression", "Pressure on a nerve by bone, cartilage or disc."),
    (
        "Nerve entrapment",
        "nerve-entrapment",
        "Pressure on a nerve by soft tissue: muscle, fascia, tendon or ligament.",
    ),
    (
        "Pain threshold",
        "pain-threshold",
        "The least stimulus a person perceives as painful, and what shifts it.",
    ),
    (
        "Postural distortion",
        "postural-distortion",
        "Deviation from balanced alignment, with the muscle imbalances around it.",
    ),
    (
        "Trigger points",
        "trigger-points",
        "Hyperirritable spots in taut bands of muscle that may refer pain.",
    ),
]


def add_principles(apps, schema_editor):
    Principle = apps.get_model("courses.Principle")
    for name, slug, description in PRINCIPLES:
        Principle.objects.update_or_create(
            slug=slug, defaults={"name": name, "description": description}
        )


def remove_principles(apps, schema_editor):
    apps.get_model("courses.Principle").objects.filter(
        slug__in=[slug for _, slug, _ in PRINCIPLES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("courses", "0001_initial")]

    operations = [migrations.RunPython(add_principles, remove_principles)]
