"""Reads for the account care pages: the accounts an actor manages, with everything the
list shows in a fixed number of queries whatever the page size."""

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.power import users_manageable_by
from accounts.roles import Role
from audit.models import AuditEntry


def locked_attempts():
    """Attempt records that lock a user name now (django-axes' database handler: as many
    failures as the limit within the cool-off, from one address)."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    return AccessAttempt.objects.filter(
        failures_since_start__gte=settings.AXES_FAILURE_LIMIT, attempt_time__gte=since
    )


def care_accounts(actor, *, search: str = ""):
    """``users_manageable_by(actor)`` with street, community, roles, led organizations,
    the lock-out and the second factor, for the list (ordered by user name)."""
    from incubation.models import Organization

    qs = users_manageable_by(actor).select_related("street", "community")
    search = search.strip()
    if search:
        qs = qs.filter(
            Q(username__icontains=search)
            | Q(full_name__icontains=search)
            | Q(email__icontains=search)
            | Q(phone__icontains=search)
        )
    return (
        qs.annotate(
            is_locked=Exists(locked_attempts().filter(username=OuterRef("username"))),
            has_two_factor=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)),
        )
        .prefetch_related(
            "groups",
            Prefetch("led_organizations", queryset=Organization.objects.only("id", "name")),
        )
        .order_by("username")
    )


def role_labels(user) -> list[str]:
    """The Chinese names of a user's roles, from prefetched groups."""
    return [str(Role(group.name).label) for group in user.groups.all() if group.name in Role.values]


def care_account_for(actor, pk):
    """One account the actor manages, or None: outside their power is the same as missing."""
    return care_accounts(actor).filter(pk=pk).first()


def account_timeline(user, limit: int = 30):
    return AuditEntry.objects.filter(
        app_label="accounts", model="user", object_pk=str(user.pk)
    ).order_by("-at", "-pk")[:limit]
