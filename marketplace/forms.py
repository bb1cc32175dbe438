"""Forms of the marketplace's pages (the admin has its own)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Community
from core.forms import PortalModelForm
from marketplace.models import Category, Resource, Wish


class WishCollectForm(PortalModelForm):
    """A wish collected on a home visit: what the wall shows, then who it is for."""

    name = forms.CharField(label=_("name"), max_length=50)
    phone = forms.CharField(label=_("phone"), max_length=20, required=False)
    address = forms.CharField(label=_("address"), max_length=200, required=False)
    handover_contact = forms.CharField(
        label=_("hand-over contact"),
        max_length=100,
        help_text=_("Who the claimant meets to hand over, e.g. the grid worker and a phone."),
    )
    photo_consent = forms.BooleanField(label=_("agrees to a delivery photo"), required=False)

    class Meta:
        model = Wish
        fields = [
            "community",
            "alias",
            "age_band",
            "target_group",
            "category",
            "title",
            "description",
            "value",
            "collected_on",
        ]

    def __init__(self, *args, communities=None, **kwargs):
        super().__init__(*args, **kwargs)
        if communities is not None:
            self.fields["community"].queryset = communities
        self.fields["category"].queryset = Category.objects.select_related("parent")

    def beneficiary(self) -> dict:
        data = self.cleaned_data
        return {
            key: data.get(key)
            for key in ("name", "phone", "address", "handover_contact", "photo_consent")
        }

    def wish_fields(self) -> dict:
        return {k: self.cleaned_data[k] for k in self.Meta.fields if k != "community"}


class ResourceOfferForm(PortalModelForm):
    """What an organization or a party member offers; the street audits it."""

    communities = forms.ModelMultipleChoiceField(
        label=_("served communities"),
        queryset=Community.objects.none(),
        required=False,
        help_text=_("Leave empty to serve the whole street."),
    )

    class Meta:
        model = Resource
        fields = [
            "title",
            "category",
            "skills",
            "capacity_per_month",
            "time_slots",
            "description",
        ]

    def __init__(self, *args, communities=None, **kwargs):
        super().__init__(*args, **kwargs)
        if communities is not None:
            self.fields["communities"].queryset = communities
