from django.shortcuts import render
from django.views.decorators.http import require_http_methods


@require_http_methods(["GET", "POST"])
def search(request):
    return render(request, "kb/search.html", {"query": ""})
