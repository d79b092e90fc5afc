"""Which release of the code is running, for namespacing what it renders and keeps.

Kept template fragments, routes and anonymous page copies are stored under the content
generation, which only moves when content changes. A new release may render the same content
differently (a changed template) or keep entries of another shape, so each release keeps its
own: the settings put this identifier into the `kept` cache's key prefix and the page cache's
keys. It is RELEASE from the environment when the deployment sets one (a commit id), else a
digest of the project's code and templates and of the framework versions.
"""

import hashlib
from importlib.metadata import version
from pathlib import Path

APPS = ("cms", "accounts", "courses", "quizzes", "certificates")
SUFFIXES = (".py", ".html", ".txt", ".svg", ".json")
PACKAGES = ("django", "wagtail")


def code_fingerprint(base_dir: Path) -> str:
    digest = hashlib.sha256()
    for package in PACKAGES:
        digest.update(f"{package}={version(package)}\n".encode())
    for app in APPS:
        for path in sorted((base_dir / app).rglob("*")):
            if path.suffix in SUFFIXES and path.is_file():
                digest.update(str(path.relative_to(base_dir)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
