"""Server-rendered SVG for score bars and breakdown charts (no inline styles, CSP-safe)."""

from django import template
from django.utils.html import format_html, format_html_join

register = template.Library()

#: Distinct, colour-blind-friendly hues; each segment also has a text label and a pattern-free
#: title, so colour is never the only signal.
PALETTE = ("#0b6e99", "#b35c00", "#2b7a3d", "#7b3fa0", "#a3214d", "#4d5d00", "#00616e", "#6b4e16")


@register.simple_tag
def score_bar(score, label=""):
    width = max(0.0, min(float(score), 100.0))
    return format_html(
        '<svg class="score-bar" viewBox="0 0 100 8" preserveAspectRatio="none" role="img" '
        'aria-label="{} out of 100" focusable="false">'
        '<rect class="score-bar-track" x="0" y="0" width="100" height="8" rx="2"></rect>'
        '<rect class="score-bar-fill" x="0" y="0" width="{}" height="8" rx="2"></rect></svg>',
        label or f"Score {score}",
        f"{width:.1f}",
    )


@register.simple_tag
def breakdown_chart(result):
    """A stacked bar: one segment per criterion (and fit), widths equal to the points added."""
    x = 0.0
    segments = []
    for index, part in enumerate(result.breakdown):
        if part.points <= 0:
            continue
        segments.append(
            (
                f"{x:.2f}",
                f"{part.points:.2f}",
                PALETTE[index % len(PALETTE)],
                f"{part.name}: {part.points} points ({part.label})",
            )
        )
        x += part.points
    body = format_html_join(
        "",
        '<rect x="{}" y="0" width="{}" height="10" fill="{}"><title>{}</title></rect>',
        segments,
    )
    summary = "; ".join(f"{p.name} {p.points}" for p in result.breakdown)
    return format_html(
        '<svg class="breakdown-chart" viewBox="0 0 100 10" preserveAspectRatio="none" '
        'role="img" aria-label="Points by criterion for {}: {}">'
        '<rect class="score-bar-track" x="0" y="0" width="100" height="10"></rect>{}</svg>',
        result.name,
        summary,
        body,
    )


@register.filter
def palette(index):
    return PALETTE[int(index) % len(PALETTE)]


@register.filter
def support_icon(support):
    symbols = {"built_in": "✔", "partial": "◐", "extension": "➕", "none": "✘"}
    return symbols.get(getattr(support, "support", "none"), "✘")


@register.filter
def support_text(support):
    if support is None:
        return "Not recorded"
    texts = {
        "built_in": "Built in",
        "partial": "Built in, limited",
        "extension": f"Via {support.extension}" if support.extension else "Via an extension",
        "none": "Not available",
    }
    return texts.get(support.support, support.support)


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None
