"""Account care for the street's staff (/accounts/staff/), and the password pages that
end a temporary password.

Only street admins and superusers reach these pages; an account beyond the actor's power
(``accounts.power.users_manageable_by``) answers 404 exactly as a missing id. Every action
is a POST that checks power in its service; a refusal comes back as a message naming the
reason.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import care
from accounts.decorators import role_required
from accounts.forms import AccountCreateForm
from accounts.power import can_change_access, can_create_account, can_manage_account
from accounts.roles import Role
from accounts.selectors import account_timeline, care_account_for, care_accounts, role_labels
from core.forms import add_refusal

PAGE_SIZE = 50
STAFF = (Role.STREET_ADMIN,)

staff_only = role_required(STAFF)
staff_object = role_required(STAFF, refuse_as_missing=True)


def _account_or_404(request, pk):
    account = care_account_for(request.user, pk)
    if account is None:
        raise Http404
    return account


def _refused(request, error) -> None:
    reasons = error.messages if isinstance(error, ValidationError) else [str(error)]
    for reason in reasons:
        messages.error(request, reason)


@staff_only
def account_list(request):
    search = request.GET.get("q", "")
    page = Paginator(care_accounts(request.user, search=search), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = [(account, role_labels(account)) for account in page.object_list]
    return render(
        request,
        "accounts/care_list.html",
        {
            "page": page,
            "rows": rows,
            "search": search,
            "can_create": can_create_account(request.user),
        },
    )


@staff_only
def account_create(request):
    if not can_create_account(request.user):
        raise PermissionDenied
    form = AccountCreateForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            account = care.account_create(
                actor=request.user,
                username=data["username"],
                role=data["role"],
                full_name=data["full_name"],
                email=data["email"],
                phone=data["phone"],
                street=data.get("street"),
                community=data["community"],
                organization=data["organization"],
            )
        except (ValidationError, PermissionDenied) as error:
            add_refusal(form, error)
        else:
            messages.success(
                request,
                _("Account %(name)s created. Hand over a password below.") % {"name": account},
            )
            return redirect("accounts:care_detail", pk=account.pk)
    return render(request, "accounts/care_create.html", {"form": form})


@staff_object
def account_detail(request, pk):
    account = _account_or_404(request, pk)
    return render(
        request,
        "accounts/care_detail.html",
        {
            "account": account,
            "roles": role_labels(account),
            "manage": can_manage_account(request.user, account),
            "access": can_change_access(request.user, account),
            "timeline": account_timeline(account),
        },
    )


def _back(account):
    return redirect("accounts:care_detail", pk=account.pk)


@require_POST
@staff_object
def account_set_active(request, pk):
    account = _account_or_404(request, pk)
    is_active = request.POST.get("active") == "1"
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Tick the box to confirm."))
        return _back(account)
    try:
        care.account_set_active(user=account, is_active=is_active, actor=request.user)
    except PermissionDenied as error:
        _refused(request, error)
    else:
        messages.success(
            request,
            (
                _("The account %(name)s can sign in again.")
                if is_active
                else _("The account %(name)s can no longer sign in.")
            )
            % {"name": account},
        )
    return _back(account)


@require_POST
@staff_object
def account_reset_password(request, pk):
    """Either kind of handover is shown once, in this POST's answer (never stored, never
    behind a GET that could be reloaded from history), on a page made to be printed."""
    account = _account_or_404(request, pk)
    mode = request.POST.get("mode")
    try:
        if mode == "link":
            link = care.account_password_link(user=account, actor=request.user, request=request)
            context = {"link": link}
        elif mode == "temporary":
            password = care.account_temporary_password(user=account, actor=request.user)
            context = {"password": password}
        else:
            messages.error(request, _("Choose a one-time link or a temporary password."))
            return _back(account)
    except (PermissionDenied, ValidationError) as error:
        _refused(request, error)
        return _back(account)
    return render(
        request,
        "accounts/care_handover.html",
        {"account": account, "timeout_hours": _timeout_hours(), **context},
    )


def _timeout_hours() -> int:
    return max(1, settings.PASSWORD_RESET_TIMEOUT // 3600)


@require_POST
@staff_object
def account_unlock(request, pk):
    account = _account_or_404(request, pk)
    try:
        care.account_unlock(user=account, actor=request.user)
    except PermissionDenied as error:
        _refused(request, error)
    else:
        messages.success(
            request, _("The account %(name)s can try to sign in again.") % {"name": account}
        )
    return _back(account)


@require_POST
@staff_object
def account_reset_two_factor(request, pk):
    account = _account_or_404(request, pk)
    try:
        had = care.account_reset_two_factor(user=account, actor=request.user)
    except PermissionDenied as error:
        _refused(request, error)
    else:
        messages.success(
            request,
            _("Two-factor sign-in of %(name)s was reset; the next sign-in sets it up again.")
            % {"name": account}
            if had
            else _("%(name)s had no two-factor sign-in to reset.") % {"name": account},
        )
    return _back(account)


# --- The password pages: choosing one's own password ends a temporary one ----------------


class PasswordChangeView(auth_views.PasswordChangeView):
    def form_valid(self, form):
        response = super().form_valid(form)
        care.user_password_changed(user=form.user)
        return response


class PasswordResetView(auth_views.PasswordResetView):
    # The e-mail names the platform, not the host name Django would use without the
    # sites framework.
    extra_email_context = {"site_name": settings.PLATFORM_NAME}


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        care.user_password_changed(user=form.user)
        return response
