"""Who is acting: set per request by the middleware, empty in tasks and commands (the
system). A ContextVar is right for threads and async alike."""

from contextvars import ContextVar

# The client's address, behind the production proxy too (the one the login lock-out uses).
from core.clientip import client_ip  # noqa: F401  (imported from here by the recorder)

current_request = ContextVar("audit_current_request", default=None)


class AuditActorMiddleware:
    """After AuthenticationMiddleware: remember the request for the recorder."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            current_request.reset(token)
