"""The address of the person at the other end, also behind the production proxy.

Behind nginx or a load balancer every request reaches gunicorn from the proxy's address,
so REMOTE_ADDR alone would put every user behind one address: the login lock-out (keyed
by user name and address) and the audit log would see one client. Each trusted proxy
appends the address it received the request from to X-Forwarded-For, so with N trusted
proxies the real client is the N-th entry from the right. Entries further left were
written by the client itself and can be anything: they are never read.

``DJANGO_TRUSTED_PROXY_COUNT`` (settings.TRUSTED_PROXY_COUNT) says how many proxies stand
in front of the application. With 0 (the default, e.g. `make run`) the header is ignored
entirely, so a client cannot choose its own address by sending one.
"""

from ipaddress import ip_address

from django.conf import settings


def _valid(value: str) -> str | None:
    try:
        return str(ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """The client's address as the outermost trusted proxy saw it (django-axes calls this
    through AXES_CLIENT_IP_CALLABLE; the audit log records it)."""
    if request is None:
        return None
    remote = request.META.get("REMOTE_ADDR") or None
    trusted = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if trusted <= 0:
        return remote
    forwarded = [
        part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()
    ]
    if len(forwarded) < trusted:
        # Fewer hops than proxies: the request did not come through all of them (or a
        # proxy does not set the header). What there is came from the client: ignore it.
        return remote
    return _valid(forwarded[-trusted]) or remote
