"""The site's template tags: score bars, support labels, addresses without arguments, and a
block repeated in the page's head."""

from django import template
from django.template.loader_tags import BLOCK_CONTEXT_KEY
from django.utils.safestring import SafeString

from frameworks import decision, paths, presentation, scoring

register = template.Library()

register.simple_tag(presentation.score_bar, name="score_bar")


register.filter("mid_sentence", scoring.mid_sentence)
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


@register.simple_tag(takes_context=True)
def repeat_block(context, name):
    """``{% repeat_block "title" %}``: what the page's block of that name renders, once more.

    A block may appear only once in a template, yet a page's title and description also go
    into its OpenGraph and Twitter tags: the base template shows each block where it belongs
    and repeats it here, so a page states its title once. "" for a block no template defines.
    """
    blocks = context.render_context.get(BLOCK_CONTEXT_KEY)
    block = blocks.get_block(name) if blocks is not None else None
    if block is None:
        return ""
    return SafeString(block.render(context).strip())  # a rendered, autoescaped block


@register.filter
def mark(snapshot, slug):
    """``{{ snapshot|mark:slug }}``: that framework's mark (presentation.marks), or nothing."""
    return presentation.marks(snapshot).get(slug, "")


# The decision record (frameworks/decision.md): catalog text as literal Markdown text.
register.filter("md", decision.markdown_text)
register.filter("md_url", decision.markdown_url)
