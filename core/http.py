"""Answers to a form post that the upload-progress script understands."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, resolve_url

from core.errors import ActionRefused, refusal_text

XHR_HEADER = "X-Requested-With"


def sent_by_script(request) -> bool:
    return request.headers.get(XHR_HEADER) == "XMLHttpRequest"


def redirect_after_post(request, to, *args, **kwargs):
    """A redirect, or for static/js/upload-progress.js the address as JSON: the script's
    request would follow a redirect itself and use up the page's flash messages, which
    the browser's own load of the address must show."""
    if sent_by_script(request):
        return JsonResponse({"location": resolve_url(to, *args, **kwargs)})
    return redirect(to, *args, **kwargs)


def tell_outcome(request, write, done: str) -> bool:
    """Run a service call (``write()``) for a page that answers with a redirect: a refusal
    (``ActionRefused``, ``ValidationError``) becomes an error message in words, anything
    else the success message ``done``. True when the write went through."""
    try:
        write()
    except (ActionRefused, ValidationError) as exc:
        messages.error(request, refusal_text(exc))
        return False
    messages.success(request, done)
    return True
