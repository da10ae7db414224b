"""The Odoo Apps page of the module (static/description/index.html): well-formed, script-free,
showing exactly the screenshots that are there (real PNGs of sane size, taken by
scripts/screenshots.mjs), and naming the module and every Odoo version the README supports."""

from __future__ import annotations

import json
import re
import struct
from html.parser import HTMLParser

import pytest

from conftest import ROOT

DESCRIPTION = ROOT / "odoo_addon" / "pbx_callcenter" / "static" / "description"
INDEX = DESCRIPTION / "index.html"
#: Odoo shows static/description/icon.png as the app's icon; index.html need not show it.
ICON = "icon.png"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MAX_PNG_BYTES = 200 * 1024
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
FORBIDDEN = {"script", "iframe", "object", "embed", "form", "style", "link", "base", "meta"}


class Page(HTMLParser):
    """Tags checked for balance as they come; every problem and every src/href kept."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[tuple[str, tuple[int, int]]] = []
        self.problems: list[str] = []
        self.images: list[dict[str, str | None]] = []
        self.links: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        where = "line %d" % self.getpos()[0]
        if tag in FORBIDDEN:
            self.problems.append(f"{where}: <{tag}> is not allowed on the Apps page")
        for name, value in attrs:
            if name.startswith("on") or (value or "").strip().lower().startswith("javascript:"):
                self.problems.append(f"{where}: <{tag} {name}> runs script")
        if tag == "img":
            self.images.append(dict(attrs))
        if tag == "a":
            self.links.append(dict(attrs).get("href") or "")
        if tag not in VOID:
            self.open.append((tag, self.getpos()))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.open.pop()

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            self.problems.append(f"line {self.getpos()[0]}: </{tag}> closes a void element")
        elif not self.open or self.open[-1][0] != tag:
            expected = f"</{self.open[-1][0]}> of line {self.open[-1][1][0]}" if self.open else "nothing"
            self.problems.append(f"line {self.getpos()[0]}: </{tag}> where {expected} was due")
        else:
            self.open.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    page.close()
    page.problems += [f"<{tag}> of line {line} is never closed" for tag, (line, _col) in page.open]
    return page


def png_size(data: bytes) -> tuple[int, int]:
    """(width, height) from the IHDR chunk; ValueError unless `data` starts like a PNG."""
    if data[:8] != PNG_SIGNATURE or data[12:16] != b"IHDR" or len(data) < 33:
        raise ValueError("not a PNG (no signature and IHDR chunk)")
    if not data.rstrip(b"\x00").endswith(b"IEND\xaeB`\x82"):
        raise ValueError("truncated PNG (no IEND chunk at the end)")
    return struct.unpack(">II", data[16:24])


@pytest.fixture(scope="module")
def page() -> Page:
    return parse(INDEX.read_text(encoding="utf-8"))


def readme_versions() -> list[str]:
    """The Odoo versions of the README's support table (`| 17.0 | supported ...`)."""
    versions = re.findall(r"^\| (\d+\.\d+) \| supported", (ROOT / "README.md").read_text("utf-8"), re.M)
    assert versions, "README.md has no '| <version> | supported' row"
    return versions


# ---- the checker itself ------------------------------------------------------------------------

@pytest.mark.parametrize("html, problem", [
    ("<section><div></section>", "</section> where </div> of line 1 was due"),
    ("<section><p>text</section>", "</section> where </p> of line 1 was due"),
    ("<div>", "<div> of line 1 is never closed"),
    ("<img src='a.png'></img>", "</img> closes a void element"),
    ("<script>alert(1)</script>", "<script> is not allowed"),
    ("<a href='javascript:alert(1)'>x</a>", "runs script"),
    ("<img src='a.png' onerror='alert(1)'/>", "runs script"),
])
def test_the_checker_reports_what_the_apps_page_must_not_have(html, problem):
    assert any(problem in found for found in parse(html).problems), parse(html).problems


def test_the_checker_reads_png_sizes_and_refuses_what_is_not_a_png():
    header = PNG_SIGNATURE + struct.pack(">I", 13) + b"IHDR" + struct.pack(">II", 1280, 800) + bytes(5)
    assert png_size(header + bytes(4) + b"\x00\x00\x00\x00IEND\xaeB`\x82") == (1280, 800)
    with pytest.raises(ValueError, match="truncated"):
        png_size(header + bytes(40))
    with pytest.raises(ValueError, match="not a PNG"):
        png_size(b"GIF89a" + bytes(40))


# ---- the page -----------------------------------------------------------------------------------

def test_index_html_is_well_formed_and_runs_nothing(page):
    assert page.problems == []


def test_every_image_is_a_file_of_static_description_with_a_caption(page):
    assert page.images, "the page shows no screenshot"
    for image in page.images:
        src = image.get("src") or ""
        assert re.fullmatch(r"[\w.-]+\.png", src), f"{src!r}: a PNG file name of static/description"
        assert (DESCRIPTION / src).is_file(), f"{src} is not in static/description"
        assert (image.get("alt") or "").strip(), f"{src} has no alt text"


def test_links_leave_for_https_pages_only(page):
    for href in page.links:
        assert href.startswith("https://"), href


def test_every_screenshot_is_shown_and_is_a_real_png_of_sane_size(page):
    shown = {image["src"] for image in page.images}
    pngs = sorted(path.name for path in DESCRIPTION.glob("*.png") if path.name != ICON)
    assert pngs, "no screenshot in static/description (npm run screenshots)"
    assert sorted(shown) == pngs, "index.html must show exactly the screenshots of static/description"
    for name in pngs:
        data = (DESCRIPTION / name).read_bytes()
        width, height = png_size(data)
        assert 400 <= width <= 2560 and 250 <= height <= 1600, f"{name}: {width}x{height}"
        assert len(data) <= MAX_PNG_BYTES, f"{name}: {len(data)} bytes (optipng, or a smaller clip)"
    assert png_size((DESCRIPTION / ICON).read_bytes())


def test_the_page_names_the_module_and_every_supported_odoo_version(page):
    text = " ".join(" ".join(page.text).split())
    manifest = json.loads((ROOT / "__manifest__.json").read_text("utf-8"))
    assert manifest["name"] in text
    for version in readme_versions():
        assert version in text, f"Odoo {version} is supported (README) but not on the Apps page"
