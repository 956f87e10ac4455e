from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from articles.models import Article
from kb.diagnosis.reasons import REASONS
from kb.models import ErrorCode


class SiteSitemap(Sitemap):
    """Addresses on SITE_URL, like the pages' canonical links, whatever host the request used."""

    @property
    def protocol(self):
        return urlsplit(settings.SITE_URL).scheme or "https"

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc or super().get_domain(site)


class ArticleSitemap(SiteSitemap):
    changefreq = "monthly"
    priority = 0.8

    def items(self):
        return Article.objects.published().order_by("slug")

    def lastmod(self, article):
        return article.updated_at


class CodeSitemap(SiteSitemap):
    changefreq = "monthly"
    priority = 0.5

    def items(self):
        # One page per code text, even when the code exists in several kinds.
        return list(dict.fromkeys(ErrorCode.objects.order_by("code").values_list("code", flat=True)))

    def location(self, code):
        return reverse("kb:code", args=[code])


class ReasonSitemap(SiteSitemap):
    changefreq = "monthly"
    priority = 0.4

    def items(self):
        used = set(Article.objects.published().values_list("reason", flat=True))
        return ["index"] + sorted(reason for reason in REASONS if reason in used)

    def location(self, reason):
        return reverse("kb:reasons") if reason == "index" else reverse("kb:reason", args=[reason])


class StaticSitemap(SiteSitemap):
    priority = 1.0

    def items(self):
        return ["search", "kb:codes"]

    def location(self, name):
        return reverse(name)


SITEMAPS = {"pages": StaticSitemap, "articles": ArticleSitemap, "codes": CodeSitemap, "reasons": ReasonSitemap}
