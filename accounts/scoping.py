"""Who sees which rows: the one place tenant scoping is decided.

Every tenant-owned model gets a queryset that subclasses ``ScopedQuerySet`` and states
how it reaches a street, a community and an organization. ``Model.objects.visible_to(user)``
is then the only way views, the admin, exports and tasks reach tenant data; rows outside
the user's scope simply do not exist for them (404, never 403).
"""

from dataclasses import dataclass

from django.db import models
from django.http import Http404


@dataclass(frozen=True)
class ScopePaths:
    """Lookups from a model to its street, community and organization.

    ``""`` means the model itself is that thing; ``None`` means the model has no such link.
    """

    street: str
    community: str | None = None
    organization: str | None = None


def _lookup(path: str, field: str) -> str:
    return f"{path}__{field}" if path else field


NOTHING = models.Q(pk__in=[])


class ScopedQuerySet(models.QuerySet):
    scope_paths: ScopePaths

    def visibility_q(self, user) -> models.Q:
        from accounts.roles import Role, roles_of

        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return NOTHING
        if user.is_superuser:
            return models.Q()
        paths = self.scope_paths
        roles = roles_of(user)
        q = NOTHING
        if Role.STREET_ADMIN in roles and user.street_id:
            q |= models.Q(**{_lookup(paths.street, "pk"): user.street_id})
        if Role.COMMUNITY_STAFF in roles and user.community_id:
            if paths.community is not None:
                q |= models.Q(**{_lookup(paths.community, "pk"): user.community_id})
            elif paths.street == "" and user.street_id:
                # Street rows: community staff may see their own street's record.
                q |= models.Q(pk=user.street_id)
        if Role.ORG_LEADER in roles and paths.organization is not None:
            # The organizations a leader runs are linked by incubation (reverse accessor
            # ``led_organizations``); a subquery avoids duplicate rows when roles combine.
            led = getattr(user, "led_organizations", None)
            if led is not None:
                q |= models.Q(**{_lookup(paths.organization, "pk__in"): led.values("pk")})
        return q | self.extra_visibility_q(user, roles)

    def extra_visibility_q(self, user, roles) -> models.Q:
        """Model-specific additions (e.g. an evaluator's assigned reviews), plus what higher
        apps registered with ``extend_visibility``."""
        q = NOTHING
        for extension in type(self).__dict__.get("_extensions", ()):
            q |= extension(user, roles)
        return q

    @classmethod
    def extend_visibility(cls, extension) -> None:
        """Let a higher app widen who sees this model's rows without this app importing it
        (e.g. party building lets party workers see the organizations they cover).
        ``extension(user, roles) -> Q``."""
        cls._extensions = (*cls.__dict__.get("_extensions", ()), extension)

    def visible_to(self, user):
        return self.filter(self.visibility_q(user))


def get_visible_or_404(queryset_or_model, user, **lookup):
    """Fetch one row the user may see; anything else — missing or another tenant's — is
    the same 404, so an id never reveals whether it exists."""
    qs = getattr(queryset_or_model, "objects", queryset_or_model)
    try:
        return qs.visible_to(user).get(**lookup)
    except (qs.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
