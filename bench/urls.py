from django.urls import include, path

from comparator.urls import handler400, handler403, handler404, handler500  # noqa: F401

from . import views

urlpatterns = [
    path("bench/plaintext", views.plaintext),
    path("bench/fortunes", views.fortunes),
    path("", include("comparator.urls")),
]
