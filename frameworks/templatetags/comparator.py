"""Server-rendered SVG score bars (no inline styles, CSP-safe) and support labels."""

from django import forms, template
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from comparator.html import ascii_html
from frameworks import paths

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


@register.filter
def charrefs(value):
    """Escape ``value`` and write its non-ASCII characters (emoji symbols, typographic
    quotes) as numeric references: the page reads the same, and stays ASCII, which Python
    joins and encodes far faster (comparator/html.py)."""
    return mark_safe(ascii_html(escape(value)))


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


def _field_html(template_name, form, name) -> str:
    """``form[name]`` rendered with ``template_name``, once per catalog version and value.

    Django's widgets and crispy's templates take milliseconds per form, and a field's markup
    depends only on the catalog (its choices, label, help) and the value the visitor gave, so
    it is kept with the snapshot, keyed by the raw value: a repeat needs no bound field at all.
    A field with errors is rendered afresh: that is rare.
    """

    def render():
        return render_to_string(template_name, {"field": form[name]})

    data = form.data if form.is_bound else None
    if name in form.errors or (data is not None and not hasattr(data, "getlist")):
        return render()
    value = None
    if data is not None:
        if isinstance(form.fields[name], forms.MultipleChoiceField):
            value = tuple(data.getlist(name))
        else:
            value = data.get(name)
    key = ("field", template_name, name, form.is_bound, value)
    return form.snapshot.fragments.get_or_render(key, render)


@register.simple_tag
def form_field(template_name, form, name):
    """``{% form_field "template" form "name" %}``: one field of the compare form."""
    return mark_safe(_field_html(template_name, form, name))


@register.simple_tag
def form_fields(template_name, form, names):
    """``{% form_fields "template" form names %}``: several fields, one after the other."""
    return mark_safe("".join(_field_html(template_name, form, name) for name in names))


@register.tag
def memo(parser, token):
    """``{% memo "name" value… %}…{% endmemo %}``: render the body once per snapshot and values.

    For what every page repeats and that depends on little (the header, given the path; the
    footer; the stylesheet links): rendering it costs more than the rest of a small page's
    template. The rendered body is kept with the catalog snapshot in the context; without one
    (error pages) the body is rendered every time.
    """
    keys = [parser.compile_filter(bit) for bit in token.split_contents()[1:]]
    nodelist = parser.parse(("endmemo",))
    parser.delete_first_token()
    return MemoNode(nodelist, keys)


class MemoNode(template.Node):
    def __init__(self, nodelist, keys):
        self.nodelist = nodelist
        self.keys = keys

    def render(self, context):
        snapshot = context.get("snapshot")
        if snapshot is None:
            return self.nodelist.render(context)
        key = ("memo", get_script_prefix(), *(k.resolve(context) for k in self.keys))
        return snapshot.fragments.get_or_render(key, lambda: self.nodelist.render(context))
