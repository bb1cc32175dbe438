from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Community
from accounts.scoping import ScopedQuerySet, ScopePaths
from core.models import TimeStampedModel


class OrganizationQuerySet(ScopedQuerySet):
    scope_paths = ScopePaths(street="community__street", community="community", organization="")


class Organization(TimeStampedModel):
    """A community social organization served by the hub."""

    name = models.CharField(_("name"), max_length=200)
    community = models.ForeignKey(
        Community,
        on_delete=models.PROTECT,
        related_name="organizations",
        verbose_name=_("community"),
    )
    leader_accounts = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="led_organizations",
        verbose_name=_("leader accounts"),
        help_text=_("Portal accounts of the people who run this organization."),
    )

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["name"]

    def __str__(self):
        return self.name
