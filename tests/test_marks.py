"""Framework marks and support markers that need no emoji font (issue #15, item 2).

Each framework's mark is an SVG monogram drawn from the catalog's colour and name, its letters
white or near-black, whichever contrasts more; the features table draws its markers as SVG.
No public page carries an emoji or any character outside the Basic Multilingual Plane, which
a machine without a colour-emoji font shows as an empty box.
"""

import json
import re
import struct
import zlib

import pytest

from frameworks import catalog, presentation
from frameworks.models import Framework
from tests.conftest import SHIPPED_CATALOG

COMPARE_ALL = "/compare/?use_case=real-time&require=websockets"


def shipped_frameworks():
    return json.loads(SHIPPED_CATALOG.read_text(encoding="utf-8"))["frameworks"]


def test_initials_take_the_capitals_of_a_camel_case_name_else_the_first_two_letters():
    assert presentation.initials("FastAPI") == "FA"
    assert presentation.initials("BlackSheep") == "BS"
    assert presentation.initials("Django") == "Dj"
    assert presentation.initials("aiohttp") == "Ai"
    assert presentation.initials("X") == "X"
    assert presentation.initials("") == "?"


def test_contrast_follows_wcag():
    assert presentation.contrast("#ffffff", "#000000") == pytest.approx(21)
    assert presentation.contrast("#777777", "#777777") == pytest.approx(1)
    # WCAG's own worked figure: #767676 on white is just over 4.5:1.
    assert presentation.contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)


@pytest.mark.parametrize("framework", shipped_frameworks(), ids=lambda f: f["slug"])
def test_every_catalog_colour_gives_a_readable_mark(framework):
    info = type("Info", (), {"name": framework["name"], "color": framework["color"]})
    mark = presentation.mark_for(info)
    assert mark.background == framework["color"].lower()
    assert presentation.contrast(mark.foreground, mark.background) >= 4.5


def test_light_colours_get_dark_letters_and_bad_colours_a_fallback():
    light = type("Info", (), {"name": "Sunny", "color": "#ffd43b"})
    assert presentation.mark_for(light).foreground == presentation.DARK_TEXT
    broken = type("Info", (), {"name": "Broken", "color": "green"})
    mark = presentation.mark_for(broken)
    assert mark.background == presentation.FALLBACK_MARK_COLOUR
    assert presentation.contrast(mark.foreground, mark.background) >= 4.5


def test_the_shipped_marks_tell_the_frameworks_apart():
    looks = {(presentation.initials(f["name"]), f["color"].lower()) for f in shipped_frameworks()}
    assert len(looks) == len(shipped_frameworks())


def test_a_mark_is_svg_from_its_template_without_inline_style(shipped_catalog):
    marks = presentation.marks(catalog.current_snapshot())
    assert set(marks) == {f["slug"] for f in shipped_frameworks()}
    svg = marks["fastapi"]
    assert svg.startswith('<svg class="fw-mark"') and 'aria-hidden="true"' in svg
    assert 'fill="#05704f"' in svg and ">FA</text>" in svg
    assert "style=" not in svg


def public_pages(client):
    paths = ["/", "/compare/", COMPARE_ALL, "/frameworks/", "/methodology/", "/nope/"]
    paths += [f"/frameworks/{f['slug']}/" for f in shipped_frameworks()]
    for path in paths:
        response = client.get(path)
        assert response.status_code in (200, 404), path
        yield path, response.content.decode()


#: Emoji live outside the Basic Multilingual Plane, or in these blocks of it (Miscellaneous
#: Symbols, Dingbats, arrows and stars that have emoji forms), or carry the emoji selector.
EMOJI_IN_BMP = re.compile(
    "[\u2190-\u21ff\u2300-\u23ff\u25a0-\u27bf\u2900-\u297f\u2b00-\u2bff\ufe0f]"
)


def test_no_public_page_carries_an_emoji_or_a_character_outside_the_bmp(client, shipped_catalog):
    for path, html in public_pages(client):
        wide = sorted({ch for ch in html if ord(ch) > 0xFFFF})
        assert not wide, f"{path}: {wide}"
        emoji = sorted(set(EMOJI_IN_BMP.findall(html)))
        assert not emoji, f"{path}: {emoji}"


def test_symbols_an_editor_typed_are_not_shown(client, shipped_catalog):
    Framework.objects.filter(slug="flask").update(symbol="🌶️")
    catalog.bump_version()
    for path, html in public_pages(client):
        assert "🌶" not in html, path


def test_marks_stand_in_every_place_a_framework_is_named(client, shipped_catalog):
    html = client.get(COMPARE_ALL).content.decode()
    start = html.index('id="verdict-heading"')
    verdict = html[start : html.index("</h2>", start)]
    assert 'class="fw-mark"' in verdict
    ranking = html[html.index('class="ranking list-unstyled') : html.index("</ol>")]
    assert ranking.count('class="fw-mark"') == 16
    for heading in ("table-heading", "features-heading", "proscons-heading"):
        start = html.index(f'<section aria-labelledby="{heading}"')
        assert 'class="fw-mark"' in html[start : html.index("</section>", start)], heading
    listing = client.get("/frameworks/").content.decode()
    assert listing.count('class="fw-mark"') == 16
    assert 'class="fw-mark"' in client.get("/frameworks/django/").content.decode()


def test_support_markers_are_drawn_with_their_text_beside_them(client, shipped_catalog):
    html = client.get(COMPARE_ALL).content.decode()
    start = html.index('<section aria-labelledby="features-heading"')
    features = html[start : html.index("</section>", start)]
    for kind in presentation.SUPPORT_KINDS:
        assert f"support-icon-{kind}" in features
    assert re.search(r'support-icon-extension".*?</svg> (<a [^>]*>)?Via ', features)
    detail = client.get("/frameworks/django/").content.decode()
    assert "support-icon-built_in" in detail


def dark_blocks(css):
    """Our [data-bs-theme="dark"] declarations, and those the no-JavaScript dark block repeats."""
    ours = re.search(r'\n\[data-bs-theme="dark"\] \{\n(.*?)\n\}', css, re.S).group(1)
    media = css[css.index("@media (prefers-color-scheme: dark)") :]
    auto = re.search(r":root:not\(\[data-bs-theme\]\) \{\n(.*?)\n  \}", media, re.S).group(1)

    def declarations(text):
        text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
        return {d.strip() for d in re.split(r";\s*\n", text) if d.strip().rstrip(";")}

    return declarations(ours), {d.rstrip(";") for d in declarations(auto)}


def test_the_css_only_dark_theme_repeats_bootstraps_and_ours(settings):
    root = SHIPPED_CATALOG.parents[2]
    css = (root / "static" / "css" / "site.css").read_text(encoding="utf-8")
    ours, auto = dark_blocks(css)
    assert {d.rstrip(";") for d in ours} <= auto
    bootstrap = (root / "static" / "vendor" / "bootstrap" / "bootstrap.min.css").read_text()
    body = re.search(r"\[data-bs-theme=dark\]\{(color-scheme:dark;[^}]*)\}", bootstrap).group(1)
    assert {d.strip() for d in body.split(";") if d.strip()} <= auto


# --- In Chromium ------------------------------------------------------------------------------


def png_pixels(data: bytes):
    """The RGB(A) rows of an 8-bit PNG such as Chromium's screenshots (no library needed)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    position, chunks, header = 8, [], None
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        body = data[position + 8 : position + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            chunks.append(body)
        position += 12 + length
    width, height, depth, colour_type = header[:4]
    assert depth == 8 and colour_type in (2, 6)
    channels = 4 if colour_type == 6 else 3
    raw, stride, rows, previous = zlib.decompress(b"".join(chunks)), width * channels, [], None
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        prior = previous or bytearray(stride)
        for x in range(stride):
            left = line[x - channels] if x >= channels else 0
            up, corner = prior[x], prior[x - channels] if x >= channels else 0
            if kind == 1:
                line[x] = (line[x] + left) & 255
            elif kind == 2:
                line[x] = (line[x] + up) & 255
            elif kind == 3:
                line[x] = (line[x] + (left + up) // 2) & 255
            elif kind == 4:
                guess = left + up - corner
                pa, pb, pc = abs(guess - left), abs(guess - up), abs(guess - corner)
                near = left if pa <= pb and pa <= pc else up if pb <= pc else corner
                line[x] = (line[x] + near) & 255
        rows.append([tuple(line[i : i + 3]) for i in range(0, stride, channels)])
        previous = line
    return rows


def hex_rgb(colour):
    return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))


@pytest.mark.browser
def test_a_mark_renders_its_letters_on_its_colour(live_app, new_page):
    page = new_page(device_scale_factor=2)
    page.goto(live_app + "/compare/?frameworks=django&frameworks=flask")
    mark = page.locator(".verdict-name .fw-mark")
    box = mark.bounding_box()
    assert box["width"] >= 24 and box["height"] >= 24
    pixels = [p for row in png_pixels(mark.screenshot()) for p in row]
    background = hex_rgb(mark.locator("rect").get_attribute("fill"))
    letters = hex_rgb(mark.locator("text").get_attribute("fill"))

    def near(pixel, colour):
        return sum(abs(a - b) for a, b in zip(pixel, colour, strict=True)) <= 30

    on_colour = sum(near(p, background) for p in pixels)
    on_letters = sum(near(p, letters) for p in pixels)
    assert on_colour > len(pixels) / 3, "the badge's colour fills it"
    assert on_letters > len(pixels) / 50, "its letters are drawn (no empty box)"
