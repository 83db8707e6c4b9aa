"""The visitor's requirements form, shared by the compare page and the JSON API."""

import copy
import hashlib
import json
import re
from functools import cached_property

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Layout, LayoutObject
from crispy_forms.utils import TEMPLATE_PACK
from django import forms
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils.choices import BaseChoiceIterator

from . import finder, models, scoring
from .catalog import Snapshot
from .presentation import WEIGHT_PREFIX

SINGLE_VALUED = ("use_case", "extensions")
#: Parameters that are not ours (analytics tags and the like) are ignored, up to a limit.
EXTRA_PARAMETERS = 20


class Choices(BaseChoiceIterator):
    """Choices already in Django's (value, label) form, shared by every form of a snapshot.

    A plain list would be normalised again for every form; an iterator is taken as it is.
    """

    def __init__(self, choices):
        self.items = tuple(choices)

    def __iter__(self):
        return iter(self.items)

    def __copy__(self):
        return self  # immutable: every copy of a field or widget may share it

    def __deepcopy__(self, memo):
        return self


def weight_choices(auto: int) -> Choices:
    """The buttons of a weight whose "Auto" stands for ``auto``."""
    return Choices(
        [("", f"Auto ({auto})")]
        + [(str(i), str(i)) for i in range(scoring.WEIGHT_MIN, scoring.WEIGHT_MAX + 1)]
    )


#: The weights as the buttons send them, the only spellings read. Python's int() also takes
#: "03", "+3", " 3", "3.0" (after IntegerField's clean-up) and other scripts' digits ("٣"):
#: each would be scored as 3 but match no button, so the rendered form would show nothing
#: chosen and drop the weight on the next submit; the API's schema lists these texts.
_PLAIN_WEIGHTS = {str(i): i for i in range(scoring.WEIGHT_MIN, scoring.WEIGHT_MAX + 1)}
#: A whole number written plainly but out of range ("9", "-1"): read, so that Django's range
#: validators say which bound it crosses. Short, so int() never meets a 5000-digit string.
_PLAIN_INTEGER = re.compile(r"-?[1-9][0-9]{0,8}")


class WeightField(forms.IntegerField):
    """A 0-5 weight; empty means "use the use case's preset, else the default"."""

    def __init__(self, *, criterion: scoring.CriterionSpec, choices=None, **kwargs):
        self.criterion = criterion
        choices = choices or weight_choices(criterion.default_weight)
        super().__init__(
            required=False,
            min_value=scoring.WEIGHT_MIN,
            max_value=scoring.WEIGHT_MAX,
            label=criterion.name,
            help_text=criterion.help_text,
            # The class, not an instance: Field would deep-copy an instance, choices and all,
            # once per criterion and form.
            widget=forms.RadioSelect,
            error_messages={"invalid": "Enter a whole number from 0 to 5."},
            **kwargs,
        )
        self.widget.choices = choices
        self.widget.attrs["class"] = "weight-choice"

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, str):
            if value in _PLAIN_WEIGHTS:
                return _PLAIN_WEIGHTS[value]
            if _PLAIN_INTEGER.fullmatch(value):
                return int(value)
        raise ValidationError(self.error_messages["invalid"], code="invalid")


def auto_weights(snapshot: Snapshot) -> dict[str, dict[str, int]]:
    """The weight "Auto" stands for, by project type slug ("" for none) and criterion slug.

    Worked out by the scoring's own rule, so that each weight's "Auto (N)" says what the
    ranking will use for the chosen project type.
    """

    def build():
        specs = {"": None} | {u.slug: u.spec for u in snapshot.use_cases}
        return {
            slug: scoring.resolve_weights(criteria=snapshot.criteria, explicit={}, use_case=spec)
            for slug, spec in specs.items()
        }

    return snapshot.derived("auto-weights", build)


def _choices(snapshot: Snapshot) -> dict:
    """Every field's choices for this catalog: read-only, so every form may share them."""

    def build():
        choices = {
            "use_case": Choices(
                [("", "Any project")] + [(u.slug, u.name) for u in snapshot.use_cases]
            ),
            "require": Choices((c.slug, c.name) for c in snapshot.capabilities),
            "frameworks": Choices((f.slug, f.name) for f in snapshot.frameworks),
        }
        # By the weight "Auto" stands for: a handful of sets, whatever the criteria.
        for weights in auto_weights(snapshot).values():
            for auto in weights.values():
                if ("w", auto) not in choices:
                    choices["w", auto] = weight_choices(auto)
        return choices

    return snapshot.derived("form-choices", build)


class DefaultedRadioSelect(forms.RadioSelect):
    """Radio buttons that show the field's default as chosen when the query leaves it out, as
    the answer does (a link without ``extensions`` counts built-in support only)."""

    default = "0"

    def format_value(self, value):
        return super().format_value(self.default if value in (None, "") else value)


class Step(LayoutObject):
    """One numbered step of the requirements form: a heading, an optional hint, its fields."""

    template = "includes/fields/step.html"

    def __init__(self, number, slug, title, *fields, hint="", wrapper_class=""):
        self.number, self.slug, self.title, self.hint = number, slug, title, hint
        self.wrapper_class = wrapper_class  # a <div> around the fields, for the grid's layout
        self.fields = list(fields)

    def render(self, form, context, template_pack=TEMPLATE_PACK, **kwargs):
        fields = self.get_rendered_fields(form, context, template_pack, **kwargs)
        return render_to_string(self.template, {"step": self, "fields": fields})


class RememberedField(Field):
    """A field whose markup is kept in the ``fragments`` cache, by catalog version and value.

    A field's markup follows from the catalog (its choices, label and help), the value the
    visitor gave and, for a weight, the number its "Auto" stands for (the project type's), and
    visitors give few distinct values per field, while crispy's templates cost more than the
    rest of a results page. A field with an error is rendered afresh.
    """

    def render(self, form, context, template_pack=TEMPLATE_PACK, **kwargs):
        def render():
            return super(RememberedField, self).render(form, context, template_pack, **kwargs)

        (name,) = self.fields
        # An editor's preview (drafts in the choices) is rendered afresh and never kept.
        drafts = form.snapshot.drafts
        if drafts or name in form.errors or (form.is_bound and not hasattr(form.data, "getlist")):
            return render()
        value = form.data.getlist(name) if form.is_bound else None
        key = f"{form.snapshot.version}|{get_script_prefix()}|{self.template}|{name}|{value!r}"
        key += f"|{form.auto_by_field.get(name)}"  # a weight's "Auto (N)"; None for the others
        key = "field:" + hashlib.blake2b(key.encode(), digest_size=16).hexdigest()
        return caches["fragments"].get_or_set(key, render, timeout=None)


def compare_helper(weight_names: list[str]) -> FormHelper:
    """How crispy lays out the requirements form: four steps, in templates of our own where the
    design needs them (the weight buttons, the project type)."""
    weight = "includes/fields/weight.html"
    helper = FormHelper()
    helper.template = "includes/compare_form.html"
    helper.disable_csrf = True  # a GET form: its answers are the page's address
    helper.layout = Layout(
        Step(1, "project", "What are you building?",
             RememberedField("use_case", template="includes/fields/use_case.html")),
        Step(2, "weights", "How much does each criterion matter?",
             *(RememberedField(name, template=weight) for name in weight_names),
             hint="0 ignores a criterion, 5 makes it count most. “Auto” takes the project "
             "type’s weight, or our default.",
             wrapper_class="weight-grid"),
        Step(3, "musts", "What must it have?",
             Div(RememberedField("require"), css_class="checkbox-columns"),
             RememberedField("extensions")),
        Step(4, "frameworks", "Which frameworks?", RememberedField("frameworks"),
             wrapper_class="checkbox-columns"),
    )  # fmt: skip
    return helper


class CompareForm(forms.Form):
    use_case = forms.ChoiceField(
        required=False,
        label="Project type",
        help_text="Optional: picks sensible weights and adds how well each framework fits.",
        error_messages={"invalid_choice": "“%(value)s” is not a known use case."},
    )
    require = forms.MultipleChoiceField(
        required=False,
        label="Must-haves",
        help_text="Frameworks that do not ship these (even in a limited form) are ranked last, "
        "unless you let well-known extensions count.",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "“%(value)s” is not a known capability."},
    )
    extensions = forms.TypedChoiceField(
        required=False,
        label="Must-haves may come from",
        help_text="A well-known, maintained extension (such as Channels for WebSockets in "
        "Django) counts only if you allow it; the result names it.",
        choices=[("0", "The framework alone"), ("1", "The framework or a well-known extension")],
        coerce=int,
        empty_value=0,
        widget=DefaultedRadioSelect,
        error_messages={"invalid_choice": "Give 0 (built in only) or 1 (extensions count too)."},
    )
    frameworks = forms.MultipleChoiceField(
        required=False,
        label="Frameworks to compare",
        help_text="Tick none to compare every framework.",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "“%(value)s” is not a published framework."},
    )

    def __new__(cls, *args, snapshot: Snapshot, **kwargs):
        """A form of the class declared for this catalog snapshot (see ``_form_class``)."""
        if cls is CompareForm:
            cls = _form_class(snapshot)
        return super().__new__(cls)

    def __init__(self, data=None, *, snapshot: Snapshot, **kwargs):
        super().__init__(data, **kwargs)  # each form deep-copies the declared fields
        self.snapshot = snapshot
        # Each weight's "Auto (N)" names the weight the chosen project type gives it. Read from
        # the data as the select shows it (before validation: an unknown or missing type
        # shows "Any project", so the defaults).
        chosen = self.data.get("use_case") if self.is_bound else None
        table = auto_weights(snapshot)
        weights = table.get(chosen, table[""]) if isinstance(chosen, str) else table[""]
        choices = _choices(snapshot)
        #: The weight "Auto" stands for, by field name.
        self.auto_by_field = {}
        for criterion in snapshot.criteria:
            name = WEIGHT_PREFIX + criterion.slug
            auto = self.auto_by_field[name] = weights[criterion.slug]
            self.fields[name].widget.choices = choices["w", auto]

    def auto_weights_json(self) -> dict[str, str]:
        """Each project type's "Auto" weights as JSON, by its slug: the page's script relabels
        the buttons from them when the visitor picks another type (live results do not
        re-render the form)."""

        def build():
            return {
                slug: json.dumps(weights, separators=(",", ":"))
                for slug, weights in auto_weights(self.snapshot).items()
            }

        return self.snapshot.derived("auto-weights-json", build)

    @cached_property
    def helper(self) -> FormHelper:
        """Crispy's layout, built when the form is rendered (the API never renders it)."""
        return compare_helper(self.weight_names())

    def weight_names(self) -> list[str]:
        return [WEIGHT_PREFIX + c.slug for c in self.snapshot.criteria]

    def full_clean(self):
        super().full_clean()
        if self.is_bound and self.data is not None and hasattr(self.data, "getlist"):
            self._check_parameters()

    def _check_parameters(self):
        known = set(self.fields)
        ours = [key for key in self.data if key in known or key.startswith(WEIGHT_PREFIX)]
        for key in ours:
            if key not in known:
                self.add_error(None, f"“{key}” is not a known criterion weight.")
        for key in (*SINGLE_VALUED, *(k for k in known if k.startswith(WEIGHT_PREFIX))):
            if len(self.data.getlist(key)) > 1 and key in self.fields:
                self.add_error(key, "Give this parameter only once.")
        limit = (
            len(self.fields)
            + len(self.snapshot.frameworks)
            + len(self.snapshot.capabilities)
            + EXTRA_PARAMETERS
        )
        count = sum(len(self.data.getlist(key)) for key in self.data)
        if count > limit:
            self.add_error(None, f"Too many parameters ({count}); at most {limit} are accepted.")

    def clean_frameworks(self):
        return list(dict.fromkeys(self.cleaned_data["frameworks"]))

    def clean_require(self):
        return list(dict.fromkeys(self.cleaned_data["require"]))

    def clean(self):
        cleaned = super().clean()
        weights = self.explicit_weights()
        use_case = self.chosen_use_case()
        resolved = scoring.resolve_weights(
            criteria=self.snapshot.criteria,
            explicit=weights,
            use_case=use_case.spec if use_case else None,
        )
        fit_weight = use_case.spec.fit_weight if use_case else 0
        if not self.errors and sum(resolved.values()) + fit_weight == 0:
            raise ValidationError(
                "Every weight is 0, so nothing can be compared. Give at least one criterion a "
                "weight above 0, or pick a project type."
            )
        return cleaned

    def explicit_weights(self) -> dict[str, int]:
        weights = {}
        for criterion in self.snapshot.criteria:
            value = self.cleaned_data.get(WEIGHT_PREFIX + criterion.slug)
            if value is not None:
                weights[criterion.slug] = value
        return weights

    def chosen_use_case(self):
        slug = self.cleaned_data.get("use_case")
        return self.snapshot.use_case(slug) if slug else None

    def ranking(self, *, explain: int | None = None) -> scoring.Ranking:
        """Score the chosen frameworks; call only when the form is valid.

        ``explain``: how many of the top results carry their breakdown (all when None).
        """
        snapshot = self.snapshot
        use_case = self.chosen_use_case()
        spec = use_case.spec if use_case else None
        weights = scoring.resolve_weights(
            criteria=snapshot.criteria, explicit=self.explicit_weights(), use_case=spec
        )
        chosen = self.cleaned_data.get("frameworks")
        if chosen:
            frameworks = tuple(f for f in snapshot.frameworks if f.slug in set(chosen))
        else:
            frameworks = snapshot.frameworks
        return scoring.rank(
            criteria=snapshot.criteria,
            frameworks=frameworks,
            weights=weights,
            use_case=spec,
            required=self.cleaned_data.get("require") or (),
            capability_names=snapshot.capability_names,
            explain=explain,
            table=snapshot.score_table,
            extensions=self.extensions_allowed(),
        )

    def extensions_allowed(self) -> bool:
        return self.cleaned_data.get("extensions") == 1

    def error_summary(self) -> list[tuple[str, str]]:
        """Each error with the label of its field as the form shows it ("" for the query as a
        whole): the page speaks to people, the API's parameter names are for programs."""
        return [
            ("" if field == "__all__" else self[field].label, str(error))
            for field, errors in self.errors.items()
            for error in errors
        ]

    def errors_by_field(self) -> dict[str, list[str]]:
        return {
            ("parameters" if field == "__all__" else field): [str(e) for e in errors]
            for field, errors in self.errors.items()
        }


def _form_class(snapshot: Snapshot) -> type[CompareForm]:
    """CompareForm with this catalog's choices and a declared WeightField per criterion.

    Declared once per snapshot, so that each form gets its own fields the way Django gives
    them: by deep-copying the class's ``base_fields``, with Django's own validation.
    """

    def build():
        choices = _choices(snapshot)
        declared = {
            WEIGHT_PREFIX + criterion.slug: WeightField(
                criterion=criterion, choices=choices["w", criterion.default_weight]
            )
            for criterion in snapshot.criteria
        }
        form_class = type(CompareForm)("CompareForm", (CompareForm,), {
            "__module__": __name__, "__qualname__": "CompareForm", **declared,
        })  # fmt: skip
        for name in ("use_case", "require", "frameworks"):
            field = form_class.base_fields[name] = copy.deepcopy(form_class.base_fields[name])
            field.choices = choices[name]
        return form_class

    return snapshot.derived("form-class", build)


class AddressCheckbox(forms.CheckboxInput):
    """A checkbox read from an address as people write it: ticked by "1" (what the box sends),
    "on" or "true", in any case. Django's CheckboxInput takes every value but "false" as
    ticked, so "recent=0" switched the filter on; here "0", "off" and garbage leave it off (a
    filter only narrows the list, so an unreadable one shows every framework)."""

    TICKED = frozenset({"1", "on", "true"})

    def value_from_datadict(self, data, files, name):
        return str(data.get(name, "")).strip().casefold() in self.TICKED


class CatalogForm(forms.Form):
    """The catalog page's search, filters and order: every one a GET parameter, all optional."""

    q = forms.CharField(
        label="Name", required=False, max_length=80,
        widget=forms.TextInput(attrs={"type": "search", "class": "form-control"}),
    )  # fmt: skip
    category = forms.ChoiceField(
        required=False, widget=forms.Select(attrs={"class": "form-select"})
    )
    license = forms.ChoiceField(
        label="Licence", required=False, widget=forms.Select(attrs={"class": "form-select"})
    )
    capability = forms.MultipleChoiceField(
        label="Has built in", required=False, widget=forms.CheckboxSelectMultiple
    )
    recent = forms.BooleanField(
        label="Released in the last year", required=False, widget=AddressCheckbox
    )
    sort = forms.ChoiceField(
        label="Sort by", required=False, choices=finder.SORTS,
        widget=forms.Select(attrs={"class": "form-select"}),
    )  # fmt: skip

    def __init__(self, data=None, *, snapshot: Snapshot, **kwargs):
        super().__init__(data, **kwargs)
        self.snapshot = snapshot
        self.fields["category"].choices = [("", "Any category"), *models.Framework.Category.choices]
        self.fields["license"].choices = [("", "Any licence")] + [
            (family, family) for family in finder.license_families(snapshot)
        ]
        self.fields["capability"].choices = [(c.slug, c.name) for c in snapshot.capabilities]
        if not finder.any_release_dates(snapshot):
            recent = self.fields["recent"]
            recent.help_text = "No release dates recorded yet (syncfacts reads them)."

    def find(self) -> finder.Found:
        """The matching frameworks; with invalid input, every framework (the errors say why)."""
        data = self.cleaned_data if self.is_valid() else {}
        return finder.find(
            self.snapshot,
            q=data.get("q", ""),
            category=data.get("category", ""),
            license=data.get("license", ""),
            capabilities=tuple(data.get("capability") or ()),
            recent=bool(data.get("recent")),
            sort=data.get("sort") or "name",
        )
