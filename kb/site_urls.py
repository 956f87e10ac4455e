from django.contrib.sitemaps.views import sitemap
from django.urls import path

from kb import views
from kb.sitemaps import SITEMAPS

app_name = "kb"

urlpatterns = [
    path("codes/", views.code_list, name="codes"),
    path("codes/<str:code>/", views.code_detail, name="code"),
    path("reasons/", views.reason_list, name="reasons"),
    path("reasons/<str:reason>/", views.reason_detail, name="reason"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
]
