from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from frameworks.admin_import import catalog_import

admin.site.site_header = f"{settings.SITE_NAME} · Editors"
admin.site.site_title = settings.SITE_NAME
admin.site.index_title = "Catalog administration"

urlpatterns = [
    # Inside the admin site (its login, its staff check), before its catch-all app pages.
    path("admin/import/", admin.site.admin_view(catalog_import), name="catalog-import"),
    path("admin/", admin.site.urls),
    path("", include("frameworks.urls")),
]

handler400 = "frameworks.views.bad_request"
handler403 = "frameworks.views.permission_denied"
handler404 = "frameworks.views.page_not_found"
handler500 = "frameworks.views.server_error"
