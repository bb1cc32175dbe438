"""How the public API answers a crowd: one throttle per client address and one page size."""

from __future__ import annotations

from rest_framework.pagination import PageNumberPagination
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle

from core.clientip import client_ip


class PublicRateThrottle(AnonRateThrottle):
    """``AnonRateThrottle`` at ``settings.KAIYIHUI_PUBLIC_API_RATE`` per client address.

    The address is the one the login lock-out and the audit log use (``core.clientip``):
    DRF's own would trust any X-Forwarded-For a client sends and let it pick a new address
    per request. The rate is read when a request comes (DRF reads it once at import), so a
    changed setting applies at once."""

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_ident(self, request):
        return client_ip(request) or ""


class PublicPagination(PageNumberPagination):
    """50 rows a page; ``?page_size=`` up to 200."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
