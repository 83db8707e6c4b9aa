"""The site's template tags: score bars, support labels and addresses without arguments."""

from django import template

from frameworks import paths, presentation

register = template.Library()

register.simple_tag(presentation.score_bar, name="score_bar")


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


@register.simple_tag
def path(name):
    """``{% path "frameworks:compare" %}``: like ``{% url %}`` for an address without
    arguments, reversed once per deployment prefix instead of on every page."""
    return paths.path(name)


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None
