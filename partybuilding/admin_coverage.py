"""The "party coverage" filter on the organization admin. Party building owns the facts,
so it adds the filter to incubation's admin (which cannot import this app)."""

from django.contrib import admin
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from partybuilding.choices import CoverageKind, Establishment
from partybuilding.models import InstructorAssignment, PartyCoverage


class PartyCoverageFilter(admin.SimpleListFilter):
    title = _("party coverage")
    parameter_name = "coverage"

    def lookups(self, request, model_admin):
        return CoverageKind.choices

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        coverage = PartyCoverage.objects.filter(organization=OuterRef("pk"), ended_on__isnull=True)
        own = Exists(coverage.filter(branch__establishment=Establishment.SINGLE))
        any_branch = Exists(coverage)
        instructor = Exists(
            InstructorAssignment.objects.filter(organization=OuterRef("pk"), ended_on__isnull=True)
        )
        if value == CoverageKind.OWN_BRANCH:
            return queryset.filter(own)
        if value == CoverageKind.JOINT_BRANCH:
            return queryset.filter(any_branch & ~own)
        if value == CoverageKind.INSTRUCTOR:
            return queryset.filter(~any_branch & instructor)
        if value == CoverageKind.NONE:
            return queryset.filter(~any_branch & ~instructor)
        return queryset


def add_to_organization_admin(site=admin.site) -> None:
    from incubation.models import Organization

    model_admin = site._registry.get(Organization)
    if model_admin is not None and PartyCoverageFilter not in model_admin.list_filter:
        model_admin.list_filter = [*model_admin.list_filter, PartyCoverageFilter]
