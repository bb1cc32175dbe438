"""What the public API prints: an explicit allow-list of fields per row, never a model's
every field. A person appears nowhere: no leader, phone, address, ID number, volunteer,
beneficiary or member name (a party member's resource shows only its kind).
``tests/rankings/test_api.py`` compares each ``Meta.fields`` with its own list."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from awards.models import Honour
from core.identifiers import mask_name
from incubation.models import Organization
from marketplace.choices import ProviderKind
from marketplace.models import Need, Project, Resource, Wish
from rankings.choices import Dimension
from rankings.models import Ranking, RankingRow
from volunteering.choices import OrganizerKind
from volunteering.models import Session

SCORE = {"max_digits": 12, "decimal_places": 2, "read_only": True}


def _label(source: str, help_text=None) -> serializers.CharField:
    """A choice's label in the request's language, next to its code."""
    return serializers.CharField(source=source, read_only=True, help_text=help_text)


class OrganizationSerializer(serializers.ModelSerializer):
    community_name = serializers.CharField(source="community.name", read_only=True)
    legal_status_label = _label("get_legal_status_display")
    service_field_label = _label("get_service_field_display")
    growth_level_label = _label("get_growth_level_display")
    stage_label = _label("get_stage_display")

    class Meta:
        model = Organization
        fields = [
            "id",
            "name",
            "uscc",
            "legal_status",
            "legal_status_label",
            "community",
            "community_name",
            "service_field",
            "service_field_label",
            "founded_on",
            "growth_level",
            "growth_level_label",
            "stage",
            "stage_label",
            "grade",
            "grade_valid_until",
        ]
        read_only_fields = fields


class RankingSerializer(serializers.ModelSerializer):
    period = serializers.CharField(
        source="period_label", read_only=True, help_text=_("The month (2026-11) or year (2026).")
    )
    period_kind_label = _label("get_period_kind_display")
    scope_kind_label = _label("get_scope_kind_display")
    scope = serializers.CharField(
        source="scope_label",
        read_only=True,
        help_text=_("The street, the community or the growth level ranked."),
    )
    status_label = _label("get_status_display")

    class Meta:
        model = Ranking
        fields = [
            "id",
            "period_kind",
            "period_kind_label",
            "period_start",
            "period",
            "scope_kind",
            "scope_kind_label",
            "community",
            "growth_level",
            "scope",
            "status",
            "status_label",
            "organizations",
            "published_at",
            "notice_until",
            "finalized_at",
            "supersedes",
        ]
        read_only_fields = fields


class DimensionScoresSerializer(serializers.Serializer):
    """The six sides of the portrait (基础, 党建, 活动, 服务, 评价, 信用)."""

    basics = serializers.DecimalField(**SCORE, help_text=Dimension.BASICS.label)
    party = serializers.DecimalField(**SCORE, help_text=Dimension.PARTY.label)
    activities = serializers.DecimalField(**SCORE, help_text=Dimension.ACTIVITIES.label)
    services = serializers.DecimalField(**SCORE, help_text=Dimension.SERVICES.label)
    evaluation = serializers.DecimalField(**SCORE, help_text=Dimension.EVALUATION.label)
    credit = serializers.DecimalField(**SCORE, help_text=Dimension.CREDIT.label)

    def to_representation(self, instance):
        # A dimension without points is not stored in the snapshot: it is zero.
        stored = instance or {}
        scores = {
            dimension.value: stored.get(dimension.value, Decimal(0)) for dimension in Dimension
        }
        return super().to_representation(scores)


class RankingRowSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    dimension_scores = DimensionScoresSerializer(read_only=True)

    class Meta:
        model = RankingRow
        fields = [
            "rank",
            "organization",
            "organization_name",
            "score",
            "dimension_scores",
            "capped",
        ]
        read_only_fields = fields


class NeedSerializer(serializers.ModelSerializer):
    community_name = serializers.CharField(source="community.name", read_only=True)
    category_name = serializers.CharField(source="category.name", read_only=True)
    target_group_label = _label("get_target_group_display")

    class Meta:
        model = Need
        fields = [
            "id",
            "title",
            "description",
            "community",
            "community_name",
            "category_name",
            "target_group",
            "target_group_label",
            "window_start",
            "window_end",
        ]
        read_only_fields = fields


class ResourceSerializer(serializers.ModelSerializer):
    provider_kind_label = _label("get_provider_kind_display")
    provider = serializers.SerializerMethodField(
        help_text=_(
            "The organization, partner unit or volunteer team offering it; a party "
            "member's offer shows only its kind."
        )
    )
    category_name = serializers.CharField(source="category.name", read_only=True)

    class Meta:
        model = Resource
        fields = [
            "id",
            "title",
            "provider_kind",
            "provider_kind_label",
            "provider",
            "category_name",
            "capacity_per_month",
        ]
        read_only_fields = fields

    def get_provider(self, resource: Resource) -> str:
        if resource.provider_kind == ProviderKind.PARTY_MEMBER:
            return str(ProviderKind.PARTY_MEMBER.label)
        if resource.organization is not None:
            return resource.organization.name
        if resource.partner_unit is not None:
            return resource.partner_unit.name
        return resource.team_name or resource.get_provider_kind_display()


class ProjectSerializer(serializers.ModelSerializer):
    community_name = serializers.CharField(source="community.name", read_only=True)
    status_label = _label("get_status_display")
    funds = serializers.DecimalField(
        source="funds_committed",
        max_digits=14,
        decimal_places=2,
        read_only=True,
        allow_null=True,
        help_text=_("Social funds committed to the project, in yuan."),
    )

    class Meta:
        model = Project
        fields = [
            "id",
            "title",
            "status",
            "status_label",
            "community",
            "community_name",
            "beneficiaries",
            "funds",
        ]
        read_only_fields = fields


class WishSerializer(serializers.ModelSerializer):
    community_name = serializers.CharField(source="community.name", read_only=True)
    category_name = serializers.CharField(source="category.name", read_only=True)
    age_band_label = _label("get_age_band_display")
    status_label = _label("get_status_display")

    class Meta:
        model = Wish
        fields = [
            "id",
            "alias",
            "age_band",
            "age_band_label",
            "title",
            "description",
            "value",
            "status",
            "status_label",
            "community",
            "community_name",
            "category_name",
        ]
        read_only_fields = fields


class ActivitySessionSerializer(serializers.ModelSerializer):
    activity = serializers.IntegerField(source="activity_id", read_only=True)
    title = serializers.CharField(source="activity.title", read_only=True)
    description = serializers.CharField(source="activity.description", read_only=True)
    series = serializers.CharField(source="activity.series", read_only=True)
    series_label = _label("activity.get_series_display")
    place = serializers.CharField(source="activity.place", read_only=True)
    organizer = serializers.SerializerMethodField(
        help_text=_("The organization, party organization or partner unit holding it.")
    )
    community = serializers.IntegerField(
        source="activity.community_id", read_only=True, allow_null=True
    )
    community_name = serializers.SerializerMethodField(
        help_text=_("The community, or the street for a street-wide activity.")
    )
    capacity = serializers.IntegerField(source="activity.capacity", read_only=True)
    places_left = serializers.SerializerMethodField()

    class Meta:
        model = Session
        fields = [
            "id",
            "activity",
            "title",
            "description",
            "series",
            "series_label",
            "starts_at",
            "ends_at",
            "place",
            "organizer",
            "community",
            "community_name",
            "capacity",
            "places_left",
        ]
        read_only_fields = fields

    def get_organizer(self, session: Session) -> str:
        activity = session.activity
        if activity.organizer_kind == OrganizerKind.HUB:
            return gettext("凯益荟")
        for organizer in (activity.organization, activity.party_org, activity.partner_unit):
            if organizer is not None:
                return organizer.name
        return ""

    def get_community_name(self, session: Session) -> str:
        activity = session.activity
        return activity.community.name if activity.community is not None else activity.street.name

    @extend_schema_field(OpenApiTypes.INT)
    def get_places_left(self, session: Session) -> int:
        # ``taken``: annotated by rankings.api.selectors.sessions.
        return max(0, session.activity.capacity - getattr(session, "taken", 0))


class HonourSerializer(serializers.ModelSerializer):
    """An honour: an organization's, a party organization's, or a person's with the name
    masked (王*华). Never the nomination, its materials or the panel's scores."""

    campaign_title = serializers.CharField(source="campaign.title", read_only=True)
    year = serializers.IntegerField(source="campaign.year", read_only=True)
    awardee_kind_label = _label("get_awardee_kind_display")
    awardee = serializers.SerializerMethodField()
    organization = serializers.SerializerMethodField()

    class Meta:
        model = Honour
        fields = [
            "id",
            "title",
            "campaign_title",
            "year",
            "awarded_on",
            "awardee_kind",
            "awardee_kind_label",
            "awardee",
            "organization",
        ]
        read_only_fields = fields

    def get_awardee(self, honour) -> str:
        if honour.person_name:
            return mask_name(honour.person_name)
        if honour.party_org_id:
            return honour.party_org.name
        return honour.organization.name if honour.organization_id else ""

    def get_organization(self, honour) -> int | None:
        """The organization's id (its public fields at organizations/{id}/); none for a
        person's honour."""
        return None if honour.person_name else honour.organization_id
