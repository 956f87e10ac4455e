"""Refuse request bodies too large to read, with a 413 the person can act on.

Django itself would answer such a body with a bare 400 when a view first reads
request.POST. Bodies up to DATA_UPLOAD_MAX_MEMORY_SIZE reach the views, which
give their own 413 and keep the paste in the box.
"""

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render


class RequestSizeLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            return self._too_large(request)
        return self.get_response(request)

    def _too_large(self, request):
        limit_kb = settings.MAILFIX_MAX_PASTE_BYTES // 1024
        message = f"The text is larger than {limit_kb} KB. Send only the error part of the message."
        if request.path.startswith("/api/"):
            return JsonResponse({"error": message}, status=413)
        return render(request, "413.html", {"limit_kb": limit_kb}, status=413)
