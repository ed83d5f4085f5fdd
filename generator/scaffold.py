"""`briefing new DIR`: a new, empty archive that builds at once."""

from __future__ import annotations

from pathlib import Path

from generator.errors import GeneratorError

SITE_YAML = """\
# site.yaml: settings of this briefing archive. Every key is optional; see the README.
title: {title}
description: ""
# Public address; may be a sub-path such as https://example.org/briefings/
base_url: /
language: en
# Dates are shown in this IANA time zone.
timezone: UTC
owner: ""
page_size: 20
feeds:
  size: 20
# Outlets you collect, added to the built-in registry:
outlets: []
#  - name: The Example Times
#    domains: [example.com]
"""

TEMPLATES_README = """\
# Template overrides

A file here replaces the built-in template of the same name (for example `article.html`
or `static/style.css`). Templates are Jinja2 with autoescape on; see the README's
"Templates" section for the variables each one receives.
"""

GITIGNORE = "/build/\n.cache/\n"

FOLDERS = ("content/articles", "content/topics", "content/sources", "content/inbox", "templates")


def create_site(directory: Path) -> list[Path]:
    """Create the archive skeleton; refuses a folder that already has files."""
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise GeneratorError(f"{directory}: already exists and is not empty; choose a new folder")
    created: list[Path] = []
    for folder in FOLDERS:
        (directory / folder).mkdir(parents=True, exist_ok=True)
        keep = directory / folder / ".gitkeep"
        keep.write_text("")
        created.append(directory / folder)
    title = (
        directory.resolve().name.replace("-", " ").replace("_", " ").strip() or "Briefing archive"
    )
    files = {
        "site.yaml": SITE_YAML.format(title=_yaml_string(title.capitalize())),
        "templates/README.md": TEMPLATES_README,
        ".gitignore": GITIGNORE,
    }
    for name, text in files.items():
        (directory / name).write_text(text, encoding="utf-8")
        created.append(directory / name)
    return created


def _yaml_string(text: str) -> str:
    from generator.frontmatter import quote

    return quote(text)
