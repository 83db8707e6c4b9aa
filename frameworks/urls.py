from django.urls import path

from . import suggestion_views, views

app_name = "frameworks"

urlpatterns = [
    path("", views.home, name="home"),
    path("compare/", views.compare, name="compare"),
    path("compare/preview.png", views.compare_preview, name="compare-preview"),
    # "<a>-vs-<b>": slugs hold hyphens, so the view splits it against the published slugs.
    path("compare/<slug:pair>/", views.head_to_head, name="head-to-head"),
    path(
        "compare/<slug:pair>/preview.png", views.head_to_head_preview, name="head-to-head-preview"
    ),
    path("api/compare/", views.api_compare, name="api-compare"),
    path("compare/decision.md", views.compare_markdown, name="compare-markdown"),
    path("compare/decision.csv", views.compare_csv, name="compare-csv"),
    path("api/frameworks/", views.api_frameworks, name="api-frameworks"),
    path("api/frameworks/<slug:slug>/", views.api_framework, name="api-framework"),
    path("api/schema/", views.api_schema, name="api-schema"),
    path("api/docs/", views.api_docs, name="api-docs"),
    path("frameworks/", views.framework_list, name="list"),
    path("frameworks/<slug:slug>/", views.framework_detail, name="detail"),
    path("methodology/", views.methodology, name="methodology"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("sitemap.xml", views.sitemap_xml, name="sitemap"),
    # Each rating and capability cell's "suggest a correction" form, apart from the cached pages.
    path("suggest/thanks/", suggestion_views.suggest_thanks, name="suggest-thanks"),
    path(
        "suggest/<slug:framework>/capability/<slug:capability>/",
        suggestion_views.suggest_capability,
        name="suggest-capability",
    ),
    path(
        "suggest/<slug:framework>/<slug:criterion>/",
        suggestion_views.suggest_rating,
        name="suggest-rating",
    ),
]
