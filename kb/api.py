"""The JSON API: other programs send an error text and get the diagnosis.

    POST /api/v1/diagnose   form field `text`, a JSON body {"text": ...}, or a text/plain body
    GET  /api/v1/diagnose?text=...

The answer is Diagnosis.to_dict() (the contract in DESIGN.md). Every failure is
JSON too: 400 for a request we cannot read, 405 for other methods, 413 for a
paste over MAILFIX_MAX_PASTE_BYTES, 429 when one client asks too often.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django_ratelimit.decorators import ratelimit

from kb.diagnosis import diagnose as run_diagnosis
from kb.knowledge_source import get_index
from kb.searchlog import log_search

ALLOWED_METHODS = ("GET", "POST")
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


# Markup characters are escaped inside JSON strings too, so a client that
# drops our JSON into an HTML page cannot be tricked by a pasted <script>.
_MARKUP_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


def _json(data: dict, status: int = 200) -> HttpResponse:
    body = json.dumps(data, ensure_ascii=True).translate(_MARKUP_ESCAPES)
    return HttpResponse(body, status=status, content_type="application/json")


class BadRequest(Exception):
    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


def _error(message: str, status: int) -> HttpResponse:
    response = _json({"error": message, "status": status}, status=status)
    if status == 405:
        response["Allow"] = ", ".join(ALLOWED_METHODS)
    return response


def _api_rate(group, request) -> str:
    return getattr(settings, "MAILFIX_API_RATE", "30/m")


def _max_bytes() -> int:
    return settings.MAILFIX_MAX_PASTE_BYTES


def _max_body_bytes() -> int:
    # Form and JSON encoding make a body larger than its text; Django itself
    # refuses bodies over DATA_UPLOAD_MAX_MEMORY_SIZE.
    return max(settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0, _max_bytes())


def _too_large() -> BadRequest:
    limit = _max_bytes()
    return BadRequest(f"The text is larger than {limit // 1024} KB. Send only the error part of the message.", 413)


def _content_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise BadRequest("The Content-Length header is not a number.") from None


def _text_from_request(request: HttpRequest) -> str | bytes:
    try:
        return _read_text(request)
    except RequestDataTooBig:
        raise _too_large() from None
    except SuspiciousOperation:  # e.g. more than DATA_UPLOAD_MAX_NUMBER_FIELDS fields
        raise BadRequest("The request could not be read as a form.") from None


def _read_text(request: HttpRequest) -> str | bytes:
    if request.method == "GET":
        return request.GET.get("text", "")

    if _content_length(request) > _max_body_bytes():
        raise _too_large()
    content_type = (request.content_type or "").lower()
    if content_type in FORM_TYPES:
        if "text" not in request.POST:
            raise BadRequest("Send the error as the form field 'text'.")
        return request.POST["text"]
    if content_type == "application/json" or content_type.endswith("+json"):
        try:
            data = json.loads(request.body)
        except (ValueError, RecursionError):
            raise BadRequest("The body is not valid JSON.") from None
        if not isinstance(data, dict) or "text" not in data:
            raise BadRequest('Send a JSON object like {"text": "550 5.1.1 User unknown"}.')
        if not isinstance(data["text"], str):
            raise BadRequest("'text' must be a string.")
        return data["text"]
    if content_type == "text/plain":
        return request.body  # bytes: the engine reads broken encodings itself
    raise BadRequest(
        "Unsupported Content-Type: send a form (field 'text'), application/json ({\"text\": ...}) or text/plain."
    )


def _byte_size(text: str | bytes) -> int:
    if isinstance(text, bytes):
        return len(text)
    return len(text.encode("utf-8", "surrogatepass"))


def ratelimited(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """RATELIMIT_VIEW: the answer to a client that asked too often."""
    return _error("Too many requests from your address. Wait a minute and try again.", 429)


@csrf_exempt
@ratelimit(key="ip", rate=_api_rate, method=ALLOWED_METHODS, block=False)
def diagnose(request: HttpRequest) -> HttpResponse:
    if request.method not in ALLOWED_METHODS:
        return _error(f"Method {request.method} is not allowed: use GET or POST.", 405)
    if getattr(request, "limited", False):
        return ratelimited(request)
    try:
        text = _text_from_request(request)
        if _byte_size(text) > _max_bytes():
            raise _too_large()
        blank = b"\x00" if isinstance(text, bytes) else "\x00"
        if not text.replace(blank, blank[:0]).strip():
            raise BadRequest("The text is empty. Paste the error message you got.")
    except BadRequest as problem:
        return _error(str(problem), problem.status)

    result = run_diagnosis(text, get_index())
    logged = text if isinstance(text, str) else text.decode("utf-8", "replace")
    log_search(logged, result, "api")
    data = result.to_dict()
    data["truncated"] = bool(result.truncated)
    return _json(data)
