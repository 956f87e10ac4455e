from django.contrib import admin
from django.urls import include, path

from kb import api, views

urlpatterns = [
    path("", views.search, name="search"),
    path("admin/", admin.site.urls),
    path("api/v1/diagnose", api.diagnose, name="api-diagnose"),
    path("articles/", include("articles.urls")),
    path("", include("kb.site_urls")),
]
