"""Who is acting: set per request by the middleware, empty in tasks and commands (the
system). A ContextVar is right for threads and async alike."""

from contextvars import ContextVar

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


def client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None if request is not None else None
