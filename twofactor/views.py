"""Sign-in pages: the password step (django-axes guards it), the code step, and the pages
where an account sets up, renews or turns off its second factor."""

from base64 import b32encode
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import verify_token
from django_otp.plugins.otp_static.models import StaticDevice

from core.errors import ActionRefused
from twofactor.forms import CodeForm
from twofactor.policy import can_turn_off, two_factor_required
from twofactor.selectors import authenticator_of, has_two_factor, recovery_codes_left
from twofactor.services import (
    authenticator_confirm,
    authenticator_start,
    recovery_codes_regenerate,
    two_factor_turn_off,
)
from twofactor.session import NEEDS_SETUP, mark_turned_off, mark_verified, remember_state

# New recovery codes wait here between the POST that made them and the one page that
# shows them; that page takes them out, so they are shown once.
NEW_CODES_KEY = "twofactor_new_codes"


def lockout_figures() -> dict:
    """The configured lock-out, for the pages that announce it."""
    return {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }


class SignInView(auth_views.LoginView):
    """Django's login page, stating the configured lock-out rather than fixed numbers.
    The code step follows by itself (TwoFactorMiddleware) after the password."""

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **lockout_figures()}


def _next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _with_next(name: str, target: str) -> str:
    return f"{reverse(name)}?{urlencode({'next': target})}"


def _check(user, code: str, authenticator):
    """(device that accepted the code, or None; the reason it was refused)."""
    if code.isdigit() and len(code) == authenticator.digits:
        candidates = [authenticator]
    else:
        candidates = list(StaticDevice.objects.filter(user=user, confirmed=True))
    for device in candidates:
        allowed, info = device.verify_is_allowed()
        if not allowed:
            until = timezone.localtime(info["locked_until"])
            return None, _(
                "Too many wrong codes. Wait until %(time)s, then enter the newest code."
            ) % {"time": time_format(until, "H:i:s")}
        accepted = verify_token(user, device.persistent_id, code)
        if accepted is not None:
            return accepted, ""
    return None, _(
        "The code %(code)s is wrong or already used. Enter the 6 digits the app shows now, "
        "or one of your recovery codes."
    ) % {"code": code}


@never_cache
@login_required
def verify(request):
    user = request.user
    target = _next(request, reverse(settings.LOGIN_REDIRECT_URL))
    if user.is_verified():
        return redirect(target)
    authenticator = authenticator_of(user)
    if authenticator is None:
        # Removed since this sign-in (reset by an operator): work the state out again.
        if remember_state(request, user) == NEEDS_SETUP:
            return redirect(_with_next("twofactor:setup", target))
        return redirect(target)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device, problem = _check(user, form.cleaned_data["code"], authenticator)
        if device is not None:
            mark_verified(request, device)
            if isinstance(device, StaticDevice):
                messages.warning(
                    request,
                    _(
                        "You signed in with a recovery code; %(left)s are left. Each works "
                        "once: make new ones on the two-factor page."
                    )
                    % {"left": recovery_codes_left(user)},
                )
            return redirect(target)
        form.add_error("code", problem)
    return render(request, "twofactor/verify.html", {"form": form, "next": target})


def _qr_data_uri(device) -> str:
    # An inline SVG image: the CSP allows data: images, and no script is needed.
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2)


def _grouped_key(device) -> str:
    key = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


@never_cache
@login_required
def setup(request):
    user = request.user
    target = _next(request, reverse("twofactor:manage"))
    if has_two_factor(user) and not user.is_verified():
        # Setting up a new authenticator needs the current one first, or a stolen
        # password would be enough to replace it.
        return redirect(_with_next("twofactor:verify", request.get_full_path()))
    device = authenticator_start(user=user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = authenticator_confirm(
                device=device, token=form.cleaned_data["code"], actor=user
            )
        except ActionRefused as refused:
            form.add_error("code", refused.message)
        else:
            device.refresh_from_db()
            mark_verified(request, device)
            request.session[NEW_CODES_KEY] = codes
            return redirect(_with_next("twofactor:recovery_codes", target))
    context = {
        "form": form,
        "next": target,
        "qr": _qr_data_uri(device),
        "key": _grouped_key(device),
        "required": two_factor_required(user),
        "replacing": has_two_factor(user),
    }
    return render(request, "twofactor/setup.html", context)


@never_cache
@login_required
def recovery_codes(request):
    """Shows new recovery codes once, right after they were made."""
    codes = request.session.pop(NEW_CODES_KEY, None)
    if not codes:
        return redirect("twofactor:manage")
    target = _next(request, reverse("twofactor:manage"))
    return render(request, "twofactor/recovery_codes.html", {"codes": codes, "next": target})


@never_cache
@login_required
def manage(request):
    user = request.user
    decision = can_turn_off(user)
    context = {
        "enabled": has_two_factor(user),
        "required": two_factor_required(user),
        "codes_left": recovery_codes_left(user),
        "may_turn_off": bool(decision),
        "turn_off_reason": decision.reason,
    }
    return render(request, "twofactor/manage.html", context)


@require_POST
@login_required
def regenerate(request):
    try:
        codes = recovery_codes_regenerate(user=request.user, actor=request.user)
    except ActionRefused as refused:
        messages.error(request, refused.message)
        return redirect("twofactor:manage")
    request.session[NEW_CODES_KEY] = codes
    return redirect("twofactor:recovery_codes")


@require_POST
@login_required
def turn_off(request):
    try:
        two_factor_turn_off(user=request.user, actor=request.user)
    except ActionRefused as refused:
        messages.error(request, refused.message)
    else:
        mark_turned_off(request)
        messages.success(request, _("Two-factor sign-in is off for your account."))
    return redirect("twofactor:manage")
