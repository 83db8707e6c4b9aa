"""The "suggest a correction" form, at its own address so that the public pages stay cached.

The form page carries a CSRF token, so it is never cached; after a suggestion is stored the
visitor is redirected to a thank-you page (POST, redirect, GET). Abuse is refused with a
message on the form, keeping what the visitor typed: a filled honeypot (400), more than
``SUGGESTIONS_PER_HOUR`` from one address (429), or a cache that cannot count (503).
"""

from urllib.parse import urlencode

from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from . import suggestions, throttle
from .models import Capability, Criterion, Framework
from .suggestion_forms import CapabilitySuggestionForm, RatingSuggestionForm

SUGGESTIONS_PER_HOUR = 5
HOUR = 3600
#: Seconds a visitor is asked to wait when the rate limit cannot count (the cache is down).
RETRY_WHEN_UNAVAILABLE = 60


def _refusal(form, message):
    form.add_error(None, message)


def _suggest(request, *, framework, target, form_class, target_kwargs):
    form = form_class(request.POST if request.method == "POST" else None, **target_kwargs)
    status, retry_after = 200, None
    if request.method == "POST":
        status = 400
        if form.is_spam():
            _refusal(
                form,
                "This suggestion was refused: the field marked “Leave this empty”, which "
                "people do not see, was filled in, as spam robots do. If you are a person, "
                "reload the page and send it again.",
            )
        elif form.is_valid():
            try:
                verdict = throttle.hit(
                    request, scope="suggest", limit=SUGGESTIONS_PER_HOUR, period=HOUR
                )
            except throttle.Unavailable:
                status, retry_after = 503, RETRY_WHEN_UNAVAILABLE
                _refusal(
                    form,
                    "Suggestions cannot be taken for a moment. Nothing was sent; please try "
                    "again in a few minutes (what you typed is still here).",
                )
            else:
                if verdict.allowed:
                    suggestions.file(framework=framework, **target_kwargs, **form.proposal())
                    thanks = reverse("frameworks:suggest-thanks")
                    return redirect(f"{thanks}?{urlencode({'framework': framework.slug})}")
                status, retry_after = 429, verdict.retry_after
                minutes = -(-verdict.retry_after // 60)
                _refusal(
                    form,
                    f"You have sent {SUGGESTIONS_PER_HOUR} suggestions in the past hour, the "
                    f"most we take from one address. Nothing was sent; please try again in "
                    f"{minutes} minute{'s' if minutes != 1 else ''}.",
                )
    row = suggestions.current_row(suggestions.Suggestion(framework=framework, **target_kwargs))
    response = render(
        request,
        "frameworks/suggest.html",
        {
            "form": form,
            "framework": framework,
            "target": target,
            "is_rating": "criterion" in target_kwargs,
            "current": suggestions.describe(row),
            "row": row,
        },
        status=status,
    )
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def suggest_rating(request, framework, criterion):
    framework = get_object_or_404(Framework.objects.published(), slug=framework)
    criterion = get_object_or_404(Criterion, slug=criterion)
    return _suggest(
        request,
        framework=framework,
        target=criterion,
        form_class=RatingSuggestionForm,
        target_kwargs={"criterion": criterion},
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def suggest_capability(request, framework, capability):
    framework = get_object_or_404(Framework.objects.published(), slug=framework)
    capability = get_object_or_404(Capability, slug=capability)
    return _suggest(
        request,
        framework=framework,
        target=capability,
        form_class=CapabilitySuggestionForm,
        target_kwargs={"capability": capability},
    )


@require_safe
def suggest_thanks(request):
    slug = request.GET.get("framework", "")
    framework = Framework.objects.published().filter(slug=slug).first() if slug else None
    return render(request, "frameworks/suggest_thanks.html", {"framework": framework})
