from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from notifications.kinds import KINDS
from notifications.models import NotificationOptOut
from notifications.selectors import notifications_for
from notifications.services import notification_opt_out, notifications_mark_read


@login_required
def notification_list(request):
    items = notifications_for(request.user)[:100]
    return render(request, "notifications/list.html", {"items": items})


@login_required
@require_POST
def notification_mark_all_read(request):
    notifications_mark_read(user=request.user)
    return redirect("notifications:list")


@login_required
@require_http_methods(["GET", "POST"])
def notification_settings(request):
    """Switch optional kinds on or off; required reminders always arrive."""
    optional = [kind for kind in KINDS.values() if kind.optional]
    if request.method == "POST":
        wanted = set(request.POST.getlist("kinds"))
        for kind in optional:
            notification_opt_out(
                user=request.user, kind=kind.code, opted_out=kind.code not in wanted
            )
        messages.success(request, _("Notification settings saved."))
        return redirect("notifications:settings")
    opted_out = set(
        NotificationOptOut.objects.filter(user=request.user).values_list("kind", flat=True)
    )
    rows = [(kind, kind.code not in opted_out) for kind in optional]
    required = [kind for kind in KINDS.values() if not kind.optional]
    return render(request, "notifications/settings.html", {"rows": rows, "required": required})
