"""The site's template tags: score bars, support labels and addresses without arguments."""

from django import template

from frameworks import paths, presentation

register = template.Library()

register.simple_tag(presentation.score_bar, name="score_bar")


register.filter("support_icon", presentation.support_icon)
register.filter("support_text", presentation.support_text)
register.filter("measure_name", presentation.measure_name)
register.filter("threshold_text", presentation.threshold_text)


@register.simple_tag
def path(name):
    """``{% path "frameworks:compare" %}``: like ``{% url %}`` for an address without
    arguments, reversed once per deployment prefix instead of on every page."""
    return paths.path(name)


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None
