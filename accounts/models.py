from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.scoping import ScopedQuerySet, ScopePaths
from core.models import TimeStampedModel


class StreetQuerySet(ScopedQuerySet):
    scope_paths = ScopePaths(street="", community=None, organization=None)


class Street(TimeStampedModel):
    """A street office (街道): the tenant every other row belongs to."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    code = models.SlugField(_("code"), max_length=40, unique=True, help_text=_("ASCII short name"))
    district = models.CharField(_("district"), max_length=100, blank=True)

    objects = StreetQuerySet.as_manager()

    class Meta:
        verbose_name = _("street")
        verbose_name_plural = _("streets")
        ordering = ["name"]

    def __str__(self):
        return self.name


class CommunityQuerySet(ScopedQuerySet):
    scope_paths = ScopePaths(street="street", community="", organization=None)


class Community(TimeStampedModel):
    """A community (社区) of a street, with its service station (小凯益荟)."""

    street = models.ForeignKey(
        Street, on_delete=models.PROTECT, related_name="communities", verbose_name=_("street")
    )
    name = models.CharField(_("name"), max_length=100)
    code = models.SlugField(_("code"), max_length=40)

    objects = CommunityQuerySet.as_manager()

    class Meta:
        verbose_name = _("community")
        verbose_name_plural = _("communities")
        ordering = ["street", "name"]
        constraints = [
            models.UniqueConstraint(fields=["street", "name"], name="community_unique_name"),
            models.UniqueConstraint(fields=["street", "code"], name="community_unique_code"),
        ]

    def __str__(self):
        return self.name


class UserQuerySet(ScopedQuerySet):
    scope_paths = ScopePaths(street="street", community="community", organization=None)

    def visible_to(self, user):
        # Everyone sees their own account, whatever their role.
        q = self.visibility_q(user)
        if not q:
            # An empty Q is a superuser's "everything"; OR-ing it with the own-account
            # condition would drop it (Django skips empty operands) and leave only that.
            return self.all()
        return self.filter(q | models.Q(pk=user.pk))


class PlatformUserManager(UserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    """A person who signs in. Roles are groups (see accounts.roles); the street, community
    or organization a user belongs to limits what they see (see accounts.scoping)."""

    full_name = models.CharField(_("full name"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    street = models.ForeignKey(
        Street,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("street"),
    )
    community = models.ForeignKey(
        Community,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("community"),
    )
    # Set when staff hand over a temporary password (accounts.care): until the person
    # chooses their own, accounts.middleware keeps them on the password change page, so
    # the password staff saw stops working at first use.
    must_change_password = models.BooleanField(
        _("must change password"),
        default=False,
        help_text=_("Sends the user to the password change page until they change it."),
    )

    objects = PlatformUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.full_name or self.username
