"""The visitors' "suggest a correction" forms: one for a rating, one for a capability.

Every field has a size limit (Django refuses the longer value with a message, never a 500),
and a honeypot field that people never see: a robot that fills it in is refused.
"""

from django import forms

from .models import FrameworkCapability, Level

HONEYPOT = "website"


class SuggestionForm(forms.Form):
    evidence_url = forms.URLField(
        label="Evidence",
        max_length=500,
        assume_scheme="https",
        help_text="A link to documentation, a changelog or a release note that shows it.",
    )
    comment = forms.CharField(
        label="Comment (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    contact_email = forms.EmailField(
        label="Your email address (optional)",
        required=False,
        max_length=254,
        help_text="Only if you would like an editor to be able to ask you about it.",
    )
    # Hidden from people by the page's stylesheet; robots fill in every field they find.
    website = forms.CharField(
        label="Leave this empty",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def is_spam(self) -> bool:
        return bool(self.data.get(HONEYPOT, ""))

    def proposal(self) -> dict:
        """The Suggestion fields this form fills in."""
        data = self.cleaned_data
        return {
            "evidence_url": data["evidence_url"],
            "comment": data["comment"],
            "contact_email": data["contact_email"],
        }


class LevelChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.label


class RatingSuggestionForm(SuggestionForm):
    proposed_level = LevelChoice(
        label="The level it should have",
        queryset=Level.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
    )

    field_order = ["proposed_level", "evidence_url", "comment", "contact_email"]

    def __init__(self, *args, criterion, **kwargs):
        super().__init__(*args, **kwargs)
        # Only this criterion's levels: another criterion's level would score it wrongly.
        self.fields["proposed_level"].queryset = Level.objects.filter(criterion=criterion)

    def proposal(self) -> dict:
        return super().proposal() | {"proposed_level": self.cleaned_data["proposed_level"]}


class CapabilitySuggestionForm(SuggestionForm):
    proposed_support = forms.ChoiceField(
        label="What it should say",
        choices=FrameworkCapability.Support.choices,
        widget=forms.RadioSelect,
    )
    proposed_text = forms.CharField(
        label="Extension or detail (optional)",
        required=False,
        max_length=120,
        help_text="For “Via an extension”, the extension's name; otherwise a short detail.",
    )

    field_order = ["proposed_support", "proposed_text", "evidence_url", "comment", "contact_email"]

    def __init__(self, *args, capability, **kwargs):
        super().__init__(*args, **kwargs)  # every capability offers the same four answers

    def clean(self):
        cleaned = super().clean()
        extension = FrameworkCapability.Support.EXTENSION
        if cleaned.get("proposed_support") == extension and not cleaned.get("proposed_text"):
            self.add_error("proposed_text", "Name the extension that provides it.")
        return cleaned

    def proposal(self) -> dict:
        data = self.cleaned_data
        return super().proposal() | {
            "proposed_support": data["proposed_support"],
            "proposed_text": data["proposed_text"],
        }
