from django.conf import settings


def site(request):
    return {"SITE_URL": settings.SITE_URL, "MAX_PASTE_KB": settings.MAILFIX_MAX_PASTE_BYTES // 1024}
