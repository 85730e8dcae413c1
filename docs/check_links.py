"""Check every internal link, anchor and embedded page of the built site, offline.

Usage: ``python docs/check_links.py docs/_build/html``. Reads every HTML file
under the site, and for each ``href`` and ``src`` that stays inside the site
(links, iframes, images, scripts, stylesheets) checks that the file exists and
that the ``#anchor``, if any, is an ``id`` or ``name`` in it. Links to other
sites are counted, not fetched: the build must not need the network.

Sphinx's own ``linkcheck`` builder fetches external links and does not look at
iframes; this checker is the part that works with no network, in the standard
library alone. Exits 1 listing every broken link, one per line.
"""

from __future__ import annotations

import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

LINKING = {"href", "src"}


class _Page(HTMLParser):
    """Collect a page's anchors (``id``, ``name``) and its links with their tags."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.anchors: set[str] = set()
        self.links: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value is None:
                continue
            if name == "id" or (tag == "a" and name == "name"):
                self.anchors.add(value)
            elif name in LINKING and tag != "base":
                self.links.append((tag, value))


def _read(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8", errors="replace"))
    return page


def broken_links(site: Path) -> tuple[list[str], int, int]:
    """Return the broken links of the site, how many links were checked, and how
    many point elsewhere (not fetched)."""
    site = site.resolve()
    # _static holds the theme's files, templates among them, not pages.
    pages = {
        path: _read(path)
        for path in sorted(site.rglob("*.html"))
        if "_static" not in path.relative_to(site).parts
    }
    problems, checked, external = [], 0, 0
    for path, page in pages.items():
        for tag, link in page.links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc:
                external += parts.scheme in ("http", "https", "")
                if parts.scheme not in ("http", "https", "mailto", "data"):
                    problems.append(f"{path.relative_to(site)}: <{tag}> {link}")
                continue
            checked += 1
            target = path if not parts.path else path.parent / unquote(parts.path)
            target = target.resolve()
            if target.is_dir():
                target = target / "index.html"
            where = f"{path.relative_to(site)}: <{tag}> {link}"
            if not target.is_relative_to(site):
                problems.append(f"{where} leaves the site")
            elif not target.is_file():
                problems.append(f"{where}: no such file")
            elif parts.fragment and target.suffix == ".html":
                anchors = pages[target].anchors if target in pages else set()
                if unquote(parts.fragment) not in anchors:
                    problems.append(f"{where}: no anchor #{parts.fragment}")
    return problems, checked, external


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1 or not Path(args[0]).is_dir():
        print("usage: python docs/check_links.py SITE_DIRECTORY", file=sys.stderr)
        return 2
    problems, checked, external = broken_links(Path(args[0]))
    for problem in problems:
        print(problem)
    print(
        f"links: {checked} inside the site checked, {len(problems)} broken;"
        f" {external} to other sites not fetched"
    )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
