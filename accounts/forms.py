"""Forms of the account care pages; the choices offered are only those the services
would accept from this actor (roles they may grant, communities and organizations they
see)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Community, Street
from accounts.power import groups_grantable_by
from accounts.roles import Role
from core.forms import PortalForm


class AccountCreateForm(PortalForm):
    username = forms.CharField(label=_("User name"), max_length=150)
    full_name = forms.CharField(label=_("full name"), max_length=50, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("phone"), max_length=20, required=False)
    role = forms.ChoiceField(label=_("Role"))
    street = forms.ModelChoiceField(label=_("street"), queryset=Street.objects.none())
    community = forms.ModelChoiceField(
        label=_("community"),
        queryset=Community.objects.none(),
        required=False,
        help_text=_("Required for community staff."),
    )
    organization = forms.ModelChoiceField(
        label=_("Organization"),
        queryset=None,
        required=False,
        help_text=_("For an organization leader: the organization they run."),
    )

    def __init__(self, *args, actor, **kwargs):
        from incubation.models import Organization

        super().__init__(*args, **kwargs)
        self.actor = actor
        grantable = set(groups_grantable_by(actor).values_list("name", flat=True))
        self.fields["role"].choices = [
            (role.value, role.label) for role in Role if role.value in grantable
        ]
        if actor.is_superuser:
            self.fields["street"].queryset = Street.objects.all()
        else:
            # The street is the actor's own: not a choice.
            del self.fields["street"]
        self.fields["community"].queryset = Community.objects.visible_to(actor).select_related(
            "street"
        )
        self.fields["organization"].queryset = (
            Organization.objects.visible_to(actor).select_related("community").order_by("name")
        )

    def clean(self):
        data = super().clean()
        role = data.get("role")
        if role == Role.COMMUNITY_STAFF and not data.get("community"):
            self.add_error("community", _("Community staff must belong to a community."))
        if data.get("organization") and role != Role.ORG_LEADER:
            self.add_error(
                "organization", _("Only an organization leader is linked to an organization.")
            )
        return data
