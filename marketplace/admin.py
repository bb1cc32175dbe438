"""Staff work on the three lists, wishes and claims here. Every write goes through
``marketplace.services``; verifying, publishing and confirming are actions."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from accounts.admin import ScopedAdminMixin
from core.admin import ReadOnlyAdminMixin, ServiceAdminMixin, run_each
from marketplace.admin_excel import (
    ClaimExcelAdminMixin,
    NeedExcelAdminMixin,
    ProjectExcelAdminMixin,
    ResourceExcelAdminMixin,
    WishExcelAdminMixin,
)
from marketplace.models import (
    Category,
    Claim,
    ClaimEvent,
    FundCommitment,
    ListBatch,
    Need,
    PartnerUnit,
    Project,
    Resource,
    Wish,
    WishBeneficiary,
)
from marketplace.services import listings, wishes
from marketplace.services.claims import claim_transition
from marketplace.workflows import BatchStatus, ClaimStatus, WishStatus


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "parent", "order")
    list_filter = ("parent",)
    search_fields = ("name", "code")


@admin.register(PartnerUnit)
class PartnerUnitAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "street", "contact_name")
    search_fields = ("name",)


@admin.register(ListBatch)
class ListBatchAdmin(ServiceAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("title", "kind", "community", "period_start", "period_end", "status")
    list_filter = ("kind", "status")
    readonly_fields = ("status", "published_at")
    fields = ("street", "community", "kind", "title", "period_start", "period_end", "status")
    actions = ("publish", "close")

    def create_via_service(self, request, obj, form):
        data = form.cleaned_data
        return listings.batch_create(
            street=data["street"],
            community=data.get("community"),
            kind=data["kind"],
            title=data["title"],
            period_start=data["period_start"],
            period_end=data["period_end"],
            actor=request.user,
        )

    @admin.action(description=_("Publish the selected batches"))
    def publish(self, request, queryset):
        run_each(
            self,
            request,
            queryset,
            lambda b: listings.batch_transition(
                batch=b, to=BatchStatus.PUBLISHED, actor=request.user
            ),
            _("%(count)d published."),
        )

    @admin.action(description=_("Close the selected batches"))
    def close(self, request, queryset):
        run_each(
            self,
            request,
            queryset,
            lambda b: listings.batch_transition(batch=b, to=BatchStatus.CLOSED, actor=request.user),
            _("%(count)d closed."),
        )


@admin.register(Need)
class NeedAdmin(NeedExcelAdminMixin, ServiceAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("title", "community", "category", "target_group", "window_end", "status")
    list_filter = ("status", "target_group", "source")
    search_fields = ("title",)
    readonly_fields = ("status", "listed_at", "reviewed_by", "reject_reason")
    exclude = ("collected_by", "escalated_at")
    actions = ("verify",)

    def create_via_service(self, request, obj, form):
        data = {
            k: v
            for k, v in form.cleaned_data.items()
            if k not in ("community", "status", "listed_at", "reviewed_by", "reject_reason")
        }
        return listings.need_create(
            community=form.cleaned_data["community"], actor=request.user, **data
        )

    @admin.action(description=_("Verify and list the selected needs"))
    def verify(self, request, queryset):
        run_each(
            self,
            request,
            queryset,
            lambda n: listings.need_review(need=n, actor=request.user, verified=True),
            _("%(count)d listed."),
        )


@admin.register(Resource)
class ResourceAdmin(ResourceExcelAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("title", "provider_kind", "provider", "category", "status")
    list_filter = ("status", "provider_kind")
    search_fields = ("title", "skills")
    actions = ("approve",)

    def has_add_permission(self, request):
        return False  # offered through the portal or the services

    @admin.display(description=_("offered by"))
    def provider(self, obj):
        return obj.provider_name

    @admin.action(description=_("Approve and list the selected resources"))
    def approve(self, request, queryset):
        run_each(
            self,
            request,
            queryset,
            lambda r: listings.resource_review(resource=r, actor=request.user, approved=True),
            _("%(count)d listed."),
        )


class FundInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = FundCommitment
    extra = 0
    fields = ("source", "funder", "amount", "committed_on", "in_kind_description")


@admin.register(Project)
class ProjectAdmin(ProjectExcelAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("title", "community", "status", "budget", "matched_at")
    list_filter = ("status",)
    search_fields = ("title",)
    inlines = (FundInline,)

    def has_add_permission(self, request):
        return False  # created by matching or the services


class BeneficiaryInline(ReadOnlyAdminMixin, admin.StackedInline):
    model = WishBeneficiary
    fields = ("name", "phone", "address", "handover_contact", "photo_consent")

    def get_queryset(self, request):
        return WishBeneficiary.objects.visible_to(request.user)


@admin.register(Wish)
class WishAdmin(WishExcelAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("title", "alias", "community", "value", "status", "collected_on")
    list_filter = ("status", "age_band", "target_group")
    search_fields = ("title", "alias")
    inlines = (BeneficiaryInline,)
    actions = ("verify", "publish")

    def has_add_permission(self, request):
        return False  # collected with the person's record through the services

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Verify the selected wishes"))
    def verify(self, request, queryset):
        run_each(
            self,
            request,
            queryset,
            lambda w: wishes.wish_transition(wish=w, to=WishStatus.VERIFIED, actor=request.user),
            _("%(count)d verified."),
        )

    @admin.action(description=_("Publish the selected wishes on the wall"))
    def publish(self, request, queryset):
        run_each(
            self,
            request,
            queryset,
            lambda w: wishes.wish_transition(wish=w, to=WishStatus.PUBLISHED, actor=request.user),
            _("%(count)d published."),
        )


class ClaimEventInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ClaimEvent
    extra = 0
    fields = ("created_at", "actor", "from_status", "to_status", "note")
    readonly_fields = fields

    @admin.display(description=_("from"))
    def from_status(self, event):
        return event.from_label

    @admin.display(description=_("to"))
    def to_status(self, event):
        return event.to_label


@admin.register(Claim)
class ClaimAdmin(ClaimExcelAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("__str__", "target", "community", "status", "deadline", "rating")
    list_filter = ("status", "target")
    inlines = (ClaimEventInline,)
    actions = ("confirm",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Confirm the delivery of the selected claims"))
    def confirm(self, request, queryset):
        run_each(
            self,
            request,
            queryset,
            lambda c: claim_transition(claim=c, to=ClaimStatus.CONFIRMED, actor=request.user),
            _("%(count)d confirmed."),
        )
