from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from notifications.selectors import notifications_for
from notifications.services import notifications_mark_read


@login_required
def notification_list(request):
    items = notifications_for(request.user)[:100]
    return render(request, "notifications/list.html", {"items": items})


@login_required
@require_POST
def notification_mark_all_read(request):
    notifications_mark_read(user=request.user)
    return redirect("notifications:list")
