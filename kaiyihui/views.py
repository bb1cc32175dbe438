from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.roles import roles_of
from kaiyihui.health import run_checks


@never_cache
@require_GET
def healthz(request):
    checks = run_checks()
    healthy = all(value in ("ok", "inline") for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": checks}, status=200 if healthy else 503
    )


@login_required
def home(request):
    """Landing page after login: where each role goes next."""
    from incubation.models import Organization

    organizations = Organization.objects.visible_to(request.user).select_related("community")
    return render(
        request,
        "home.html",
        {"roles": roles_of(request.user), "organizations": organizations[:20]},
    )


def error_404(request, exception):
    return render(request, "404.html", status=404)


def error_403(request, exception):
    return render(request, "403.html", status=403)


def error_500(request):
    return render(request, "500.html", status=500)
