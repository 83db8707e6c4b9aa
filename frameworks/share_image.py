"""The picture a link preview shows for a result: the top frameworks' scores as bars.

Link previews (OpenGraph, Twitter cards) need a raster image at a fixed size; it is drawn with
Pillow in each framework's catalog colour, with a font shipped in ``static/fonts/`` so that
the picture is the same on every machine. The views keep the PNG in the ``pages`` cache under
the page's key, which holds the catalog version: an editor's save draws it afresh.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.conf import settings
from PIL import Image, ImageColor, ImageDraw, ImageFont

from . import scoring
from .catalog import Snapshot

#: The size link previews ask for (1.91:1).
WIDTH, HEIGHT = 1200, 630
#: Bars drawn at most: more would not be readable in a thumbnail.
BARS = 5
FONT_DIR = settings.BASE_DIR / "static" / "fonts"
INK = "#1b1f24"
MUTED = "#57606a"
TRACK = "#e8ebef"
BACKGROUND = "#ffffff"
ACCENT = "#0b5394"
#: For a framework whose colour is missing or not a colour.
FALLBACK_COLOUR = "#0b6e99"

_BOLD = str(FONT_DIR / "DejaVuSans-Bold.ttf")
_REGULAR = str(FONT_DIR / "DejaVuSans.ttf")
TITLE_FONT = ImageFont.truetype(_BOLD, 52)
SUBTITLE_FONT = ImageFont.truetype(_REGULAR, 30)
NAME_FONT = ImageFont.truetype(_BOLD, 34)
SCORE_FONT = ImageFont.truetype(_BOLD, 34)
FOOT_FONT = ImageFont.truetype(_REGULAR, 26)


@dataclass(frozen=True, slots=True)
class Bar:
    name: str
    score: float
    colour: str


def bars(snapshot: Snapshot, ranking: scoring.Ranking) -> list[Bar]:
    """The top of the ranking as bars, in each framework's colour."""
    found = []
    for result in ranking.results[:BARS]:
        info = snapshot.info.get(result.slug)
        found.append(Bar(result.name, result.score, info.color if info else ""))
    return found


def _colour(value: str) -> tuple[int, int, int]:
    try:
        return ImageColor.getrgb(value)[:3]
    except ValueError:
        return ImageColor.getrgb(FALLBACK_COLOUR)


def _fit(draw: ImageDraw.ImageDraw, text: str, font, width: int) -> str:
    """``text``, cut with an ellipsis where it would run past ``width`` pixels."""
    if draw.textlength(text, font=font) <= width:
        return text
    while text and draw.textlength(text + "…", font=font) > width:
        text = text[:-1]
    return text + "…"


def render_png(*, title: str, subtitle: str, bars: list[Bar], footer: str) -> bytes:
    """The preview as PNG bytes: a title, a subtitle, one bar per framework, a footer."""
    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(image)
    margin = 60
    draw.rectangle((0, 0, WIDTH, 12), fill=ACCENT)
    draw.text((margin, 48), _fit(draw, title, TITLE_FONT, WIDTH - 2 * margin), font=TITLE_FONT,
              fill=INK)  # fmt: skip
    draw.text((margin, 118), _fit(draw, subtitle, SUBTITLE_FONT, WIDTH - 2 * margin),
              font=SUBTITLE_FONT, fill=MUTED)  # fmt: skip
    name_width, score_width = 300, 110
    track_left = margin + name_width + 20
    track_right = WIDTH - margin - score_width
    top, row = 190, 72
    for index, bar in enumerate(bars[:BARS]):
        y = top + index * row
        draw.text((margin, y + 8), _fit(draw, bar.name, NAME_FONT, name_width), font=NAME_FONT,
                  fill=INK)  # fmt: skip
        draw.rounded_rectangle((track_left, y + 6, track_right, y + 50), radius=8, fill=TRACK)
        share = max(0.0, min(float(bar.score), 100.0)) / 100
        if share > 0:
            right = track_left + max(16, round((track_right - track_left) * share))
            draw.rounded_rectangle((track_left, y + 6, right, y + 50), radius=8,
                                   fill=_colour(bar.colour))  # fmt: skip
        draw.text((WIDTH - margin, y + 8), f"{bar.score:g}", font=SCORE_FONT, fill=INK,
                  anchor="ra")  # fmt: skip
    draw.text((margin, HEIGHT - 56), _fit(draw, footer, FOOT_FONT, WIDTH - 2 * margin),
              font=FOOT_FONT, fill=MUTED)  # fmt: skip
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
