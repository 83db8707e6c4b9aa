"""The editors' side of visitors' suggestions: a queue with a status filter, and a decision.

The change page shows what the visitor proposed next to what the cell says now, and offers
Accept, Accept anyway (only when the cell changed since it was filed) and Reject (with the
decision note as the reason). The desk links the pending queue:
``admin:frameworks_suggestion_changelist`` with ``?status__exact=pending``.
"""

from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.urls import reverse

from . import suggestions
from .models import Suggestion

DECISIONS = ("_accept", "_accept_anyway", "_reject")


@admin.register(Suggestion)
class SuggestionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "was", "proposal", "status", "created_at"]
    list_filter = ["status", "framework"]
    search_fields = ["framework__name", "criterion__name", "capability__name", "comment"]
    list_select_related = ["framework", "criterion", "capability", "proposed_level"]
    fields = [
        "framework",
        "criterion",
        "capability",
        "was",
        "now",
        "proposal",
        "evidence_url",
        "comment",
        "contact_email",
        "created_at",
        "status",
        "decided_by",
        "decided_at",
        "decision_note",
    ]
    readonly_fields = [name for name in fields if name != "decision_note"]

    def has_add_permission(self, request):
        return False  # visitors file suggestions, from the public pages

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.status != Suggestion.Status.PENDING:
            return self.fields  # a decision is final: its note is the record of why
        return self.readonly_fields

    @admin.display(description="Proposed")
    def proposal(self, obj):
        return obj.proposal

    @admin.display(description="Value now")
    def now(self, obj):
        row = suggestions.current_row(obj)
        changed = " (changed since it was filed)" if suggestions.is_stale(obj, row) else ""
        return suggestions.describe(row) + changed

    def change_view(self, request, object_id, form_url="", extra_context=None):
        suggestion = self.get_object(request, object_id)
        extra = {"pending": False, "stale": False}
        if suggestion is not None and suggestion.status == Suggestion.Status.PENDING:
            extra = {"pending": True, "stale": suggestions.is_stale(suggestion)}
        return super().change_view(request, object_id, form_url, {**extra, **(extra_context or {})})

    def response_change(self, request, obj):
        decision = next((name for name in DECISIONS if name in request.POST), None)
        if decision is None:
            return super().response_change(request, obj)
        here = reverse("admin:frameworks_suggestion_change", args=[obj.pk])
        if not self._may_apply(request, obj) and decision != "_reject":
            self.message_user(
                request, "Your account cannot change ratings or capabilities.", messages.ERROR
            )
            return HttpResponseRedirect(here)
        try:
            if decision == "_reject":
                suggestions.reject(obj, user=request.user, note=obj.decision_note)
                done = f"Suggestion #{obj.pk} rejected."
            else:
                suggestions.accept(
                    obj,
                    user=request.user,
                    note=obj.decision_note,
                    replace_newer=decision == "_accept_anyway",
                )
                done = f"Suggestion #{obj.pk} accepted: {obj.framework} now says “{obj.proposal}”."
        except suggestions.Refused as refusal:
            self.message_user(request, str(refusal), messages.ERROR)
            return HttpResponseRedirect(here)
        self.message_user(request, done, messages.SUCCESS)
        pending = reverse("admin:frameworks_suggestion_changelist") + "?status__exact=pending"
        return HttpResponseRedirect(pending)

    def _may_apply(self, request, obj) -> bool:
        model = "rating" if obj.criterion_id else "frameworkcapability"
        return request.user.has_perms([f"frameworks.change_{model}", f"frameworks.add_{model}"])
