"""Staff work on the foundation's books and on calls here; every save calls a service.
Ledger entries (donations, spending) are written once and never edited: a correction is a
new entry. Applications are read here and decided on the staff pages (funding:call_staff),
where the one transition service runs."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.admin import ScopedAdminMixin
from accounts.models import User
from accounts.roles import Role
from core.admin import ReadOnlyAdminMixin, ServiceAdminMixin
from funding.models import (
    Application,
    CallTrack,
    CouncilUnit,
    Criterion,
    Donation,
    ExpertAssignment,
    Fund,
    FundSpending,
    GrantCall,
    Milestone,
)
from funding.services import calls, foundation


class LedgerAdmin(ServiceAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    """Write-once ledger rows."""

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return [f.name for f in self.model._meta.fields if f.name != "id"]


class CouncilUnitInline(admin.TabularInline):
    model = CouncilUnit
    extra = 0
    fields = ["name", "representative", "joined_on"]


@admin.register(Fund)
class FundAdmin(ServiceAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "street", "seed_capital", "balance", "council_unit_count"]
    readonly_fields = ["balance"]
    inlines = [CouncilUnitInline]

    @admin.display(description=gettext_lazy("council member units"))
    def council_unit_count(self, obj):
        return obj.council_units.count()

    def get_readonly_fields(self, request, obj=None):
        # The seed is the opening entry of the ledger: set once.
        return ["balance", "seed_capital", "street"] if obj else ["balance"]

    def update_via_service(self, request, obj, form):
        foundation.fund_update(fund=obj, actor=request.user)

    def create_via_service(self, request, obj, form):
        return foundation.fund_create(
            street=obj.street,
            name=obj.name,
            seed_capital=obj.seed_capital,
            established_on=obj.established_on,
            actor=request.user,
        )

    def save_formset(self, request, form, formset, change):
        units = formset.save(commit=False)
        for unit in formset.deleted_objects:
            foundation.council_unit_remove(unit=unit, actor=request.user)
        for unit in units:
            if unit.pk:
                foundation.council_unit_update(unit=unit, actor=request.user)
            else:
                foundation.council_unit_add(
                    fund=form.instance,
                    name=unit.name,
                    joined_on=unit.joined_on,
                    representative=unit.representative,
                    actor=request.user,
                )


class BalanceCheckForm(forms.ModelForm):
    """Refuses spending above the balance before the service does (the service re-checks
    under the fund's row lock)."""

    def clean(self):
        data = super().clean()
        fund, amount = data.get("fund"), data.get("amount")
        if self.instance.pk is None and fund and amount and amount > fund.balance:
            raise ValidationError(
                _("The foundation's balance of %(balance)s yuan does not cover %(amount)s yuan.")
                % {"balance": fund.balance, "amount": amount}
            )
        return data


@admin.register(Donation)
class DonationAdmin(LedgerAdmin):
    list_display = ["received_on", "donor", "amount", "restricted_purpose", "receipt_number"]
    list_filter = ["fund"]
    search_fields = ["donor", "receipt_number"]
    date_hierarchy = "received_on"
    exclude = ["recorded_by"]

    def create_via_service(self, request, obj, form):
        return foundation.donation_record(
            fund=obj.fund,
            donor=obj.donor,
            amount=obj.amount,
            received_on=obj.received_on,
            receipt_number=obj.receipt_number,
            restricted_purpose=obj.restricted_purpose,
            actor=request.user,
        )

    def changelist_view(self, request, extra_context=None):
        total = self.get_queryset(request).aggregate(total=Sum("amount"))["total"]
        extra_context = {
            **(extra_context or {}),
            "title": _("Donations (total %(total)s yuan)") % {"total": total or 0},
        }
        return super().changelist_view(request, extra_context)


@admin.register(FundSpending)
class FundSpendingAdmin(LedgerAdmin):
    form = BalanceCheckForm
    list_display = ["spent_on", "project", "amount", "reference"]
    list_filter = ["fund"]
    search_fields = ["project", "reference"]
    exclude = ["recorded_by"]

    def create_via_service(self, request, obj, form):
        return foundation.spending_record(
            fund=obj.fund,
            project=obj.project,
            amount=obj.amount,
            spent_on=obj.spent_on,
            reference=obj.reference,
            note=obj.note,
            actor=request.user,
        )


class SumTo100FormSet(forms.BaseInlineFormSet):
    check = None  # calls.check_weights or calls.check_plan
    field = ""

    def clean(self):
        super().clean()
        rows = [
            f.cleaned_data
            for f in self.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]
        type(self).check(rows)


class CriteriaFormSet(SumTo100FormSet):
    check = staticmethod(lambda rows: calls.check_weights(r["weight"] for r in rows))


class PlanFormSet(SumTo100FormSet):
    check = staticmethod(lambda rows: calls.check_plan((r["kind"], r["percent"]) for r in rows))


class TrackInline(admin.TabularInline):
    model = CallTrack
    extra = 0


class CriterionInline(admin.TabularInline):
    model = Criterion
    formset = CriteriaFormSet
    extra = 0
    fields = ["name", "weight", "position"]


class MilestoneInline(admin.TabularInline):
    model = Milestone
    formset = PlanFormSet
    extra = 0


class ExpertInline(admin.TabularInline):
    model = ExpertAssignment
    extra = 0

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "expert":
            kwargs["queryset"] = User.objects.visible_to(request.user).filter(
                groups__name=Role.EVALUATOR, is_active=True
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(GrantCall)
class GrantCallAdmin(ServiceAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    list_display = [
        "year",
        "title",
        "total_budget",
        "per_project_cap",
        "opens_on",
        "closes_on",
        "staff_page",
    ]
    list_filter = ["year"]
    inlines = [TrackInline, CriterionInline, MilestoneInline, ExpertInline]

    @admin.display(description=gettext_lazy("ranking and awards"))
    def staff_page(self, obj):
        return format_html(
            '<a href="{}">{}</a>', reverse("funding:call_staff", args=[obj.pk]), _("open")
        )

    def save_model(self, request, obj, form, change):
        calls.call_save(call=obj, actor=request.user)


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    list_display = [
        "title",
        "organization",
        "call",
        "status",
        "requested_amount",
        "awarded_amount",
        "staff_page",
    ]
    list_filter = ["call__year", "status", "track"]
    search_fields = ["title", "organization__name"]
    list_select_related = ["organization", "call"]

    @admin.display(description=gettext_lazy("decisions and delivery"))
    def staff_page(self, obj):
        return format_html(
            '<a href="{}">{}</a>', reverse("funding:application_staff", args=[obj.pk]), _("open")
        )
