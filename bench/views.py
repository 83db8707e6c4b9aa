"""Django's own baselines, after the TechEmpower benchmarks' plaintext and Fortunes tests."""

from django.http import HttpResponse
from django.shortcuts import render

from .models import Fortune


def plaintext(request):
    return HttpResponse(b"Hello, World!", content_type="text/plain")


def fortunes(request):
    """One query, one row added in memory, a sort, a template: the smallest honest page."""
    rows = list(Fortune.objects.all())
    rows.append(Fortune(id=0, message="Additional fortune added at request time."))
    rows.sort(key=lambda fortune: fortune.message)
    return render(request, "bench/fortunes.html", {"fortunes": rows})
