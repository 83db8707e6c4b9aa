from django.urls import path

from . import views

app_name = "frameworks"

urlpatterns = [
    path("", views.home, name="home"),
    path("compare/", views.compare, name="compare"),
    path("api/compare/", views.api_compare, name="api-compare"),
    path("frameworks/", views.framework_list, name="list"),
    path("frameworks/<slug:slug>/", views.framework_detail, name="detail"),
    path("methodology/", views.methodology, name="methodology"),
    path("robots.txt", views.robots_txt, name="robots"),
]
