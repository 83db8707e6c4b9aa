"""The editors' desk on the admin's front page (templates/admin/index.html)."""

from django import template

from frameworks import desk

register = template.Library()


@register.simple_tag(takes_context=True)
def editor_desk(context):
    """The queues this editor may open and the newest catalog changes."""
    user = context["request"].user
    if not user.has_perm("frameworks.view_rating"):
        return None
    return {"queues": desk.queues_for(user), "changes": desk.recent_changes()}
