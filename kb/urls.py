from django.contrib import admin
from django.urls import include, path

from kb import views

urlpatterns = [
    path("", views.search, name="search"),
    path("admin/", admin.site.urls),
    path("articles/", include("articles.urls")),
]
