from django.conf import settings
from django.http import FileResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control

from core.health import healthz
from core.identifiers import has_control_characters


class HealthCheckMiddleware:
    """Answers /healthz before host validation and the HTTPS redirect, so a load balancer
    or container health check can probe any process by its internal address."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/healthz":
            return healthz(request)
        return self.get_response(request)


class ChineseFirstMiddleware:
    """Chinese unless the user chose English with the language switch (a cookie): the
    browser's Accept-Language is ignored, so an office PC with an English system still
    gets the Chinese platform. Sits just before LocaleMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


# Form bodies whose fields are checked (JSON and other bodies are the views' own business).
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _any_control(query) -> bool:
    return any(
        has_control_characters(key) or any(has_control_characters(value) for value in values)
        for key, values in query.lists()
    )


class RejectControlCharactersMiddleware:
    """Answers 400 to a NUL byte or another control character in the path, a query
    parameter or a form field, before any view or database sees it.

    PostgreSQL refuses NUL in text (a query with one raises instead of finding nothing),
    and Excel files cannot hold the other control characters; no person types them, so a
    request carrying them is a mistake or a probe, never a value to store or look up.
    Tab and line breaks are ordinary text in a query value or a form field, never in a path.
    Sits before the session: a bad request costs no database query.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._is_bad(request):
            return HttpResponseBadRequest(render_to_string("400.html", request=request))
        return self.get_response(request)

    @staticmethod
    def _is_bad(request) -> bool:
        if any(ord(char) < 0x20 or 0x7F <= ord(char) <= 0x9F for char in request.path_info):
            return True
        if _any_control(request.GET):
            return True
        if request.method in ("POST", "PUT", "PATCH") and request.content_type in _FORM_TYPES:
            return _any_control(request.POST)
        return False


class PrivatePagesMiddleware:
    """``Cache-Control: private, no-store`` on every response to a signed-in user and on
    every download, so no browser cache, shared proxy or CDN keeps a page or a file with
    someone's data (a shared office PC's back button included). Public pages seen without
    signing in, and static files (served by WhiteNoise before this), keep their own
    caching. A view marks any other response personal with ``response.personal_data =
    True``. Sits after the authentication middleware, which it reads.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Held before the view runs: the public API (DRF without authentication) puts an
        # AnonymousUser on the request, though the visitor is signed in. Still lazy, so a
        # request without a session cookie reads nothing more.
        user = getattr(request, "user", None)
        response = self.get_response(request)
        if (
            (user is not None and user.is_authenticated)
            or getattr(response, "personal_data", False)
            or isinstance(response, FileResponse | StreamingHttpResponse)
            or response.has_header("Content-Disposition")
        ):
            patch_cache_control(response, private=True, no_store=True)
        return response


class FriendlyErrorPagesMiddleware:
    """With DEBUG on, Django answers a 404 and a 500 with its technical pages (URL list,
    settings, traceback). The demo runs with DEBUG on, so its users would meet those
    English debugging pages; this puts the platform's Chinese 404.html / 500.html in
    their place, exactly what production shows through handler404 / handler500.

    Only responses Django produced for an error are replaced: a text page with status
    404 or 500 (a JSON answer keeps its body). The 500 has been logged with its traceback
    before it reaches here. ``KAIYIHUI_DEBUG_PAGES=true`` keeps the technical pages for a
    developer. With DEBUG off nothing changes: the handlers already render these pages.
    Sits innermost (before axes only), where Django renders its own error handlers, so
    the page sees the user, the messages and the CSP nonce like any view.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code not in (404, 500) or not settings.DEBUG:
            return response
        if getattr(settings, "KAIYIHUI_DEBUG_PAGES", False) or response.streaming:
            return response
        if not response.get("Content-Type", "").startswith("text/"):
            return response
        if _is_file_path(request.path_info):
            return response
        template = "404.html" if response.status_code == 404 else "500.html"
        friendly = render(request, template, status=response.status_code)
        # Headers set on the way in (Vary, a cookie) stay; the body and its type change.
        for header, value in response.items():
            if header.lower() not in ("content-type", "content-length"):
                friendly.headers.setdefault(header, value)
        friendly.cookies = response.cookies
        return friendly


def _is_file_path(path: str) -> bool:
    """Static and media files are not pages: a missing one keeps Django's plain answer."""
    prefixes = [settings.STATIC_URL, settings.MEDIA_URL]
    return any(prefix and prefix.startswith("/") and path.startswith(prefix) for prefix in prefixes)
