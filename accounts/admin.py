from django.contrib import admin, messages
from django.contrib.admin.options import IS_POPUP_VAR
from django.contrib.admin.utils import unquote
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.html import escape
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters

from accounts.models import Community, Street, User
from accounts.power import (
    can_change_access,
    can_delete_account,
    can_grant_superuser,
    can_manage_account,
    groups_grantable_by,
    permissions_grantable_by,
    users_manageable_by,
)
from accounts.scoping import ScopedQuerySet
from accounts.services import (
    user_add,
    user_delete,
    user_set_active,
    user_set_password,
    user_set_permissions,
    user_set_roles,
    user_set_staff,
    user_set_superuser,
    user_update_profile,
)
from core.admin import ByIdListFilter


class ScopedAdminMixin:
    """Admin pages see exactly what ``visible_to`` allows, and foreign-key choices are
    limited the same way, so staff can neither see nor pick another tenant's rows."""

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        related = db_field.related_model._default_manager.all()
        if isinstance(related, ScopedQuerySet) and "queryset" not in kwargs:
            kwargs["queryset"] = related.visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class VisibleCommunityFilter(ByIdListFilter):
    """A community filter that lists only the communities the user may see (the stock
    related filter would list every street's communities)."""

    title = _("community")
    parameter_name = "community"
    lookup = "community"

    def lookups(self, request, model_admin):
        return [(c.pk, c.name) for c in Community.objects.visible_to(request.user)]


@admin.register(Street)
class StreetAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "district", "code"]
    search_fields = ["name"]


@admin.register(Community)
class CommunityAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "street", "code"]
    list_filter = ["street"]
    search_fields = ["name"]
    list_select_related = ["street"]


# The user admin's fields by what changes them (anything else is the profile).
ACCESS_FIELDS = ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")


@admin.register(User)
class UserAdmin(ScopedAdminMixin, DjangoUserAdmin):
    """Accounts, limited by ``accounts.power``: the list holds only the accounts the
    signed-in person may manage (any other id — a superuser's, another street's — is the
    same 404 as a missing one, on every page), the role choices only the roles they may
    grant, and every save goes through the services of ``accounts.services``."""

    list_display = ["username", "full_name", "street", "community", "is_active", "last_login"]
    list_filter = ["is_active", "groups", "street"]
    search_fields = ["username", "full_name", "email"]
    list_select_related = ["street", "community"]
    fieldsets = DjangoUserAdmin.fieldsets + (
        (_("Platform"), {"fields": ["full_name", "phone", "street", "community"]}),
    )

    def get_queryset(self, request):
        # Stricter than ScopedAdminMixin's visible_to: seeing an account is not enough to
        # take it over.
        return users_manageable_by(request.user, DjangoUserAdmin.get_queryset(self, request))

    def has_view_permission(self, request, obj=None):
        allowed = super().has_view_permission(request, obj)
        return allowed and (obj is None or bool(can_manage_account(request.user, obj)))

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or bool(can_manage_account(request.user, obj)))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or bool(can_delete_account(request.user, obj)))

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        # The stock redirect says "no user with this id": answer a missing id with the
        # same 404 as an account beyond the actor's power.
        raise Http404

    def get_readonly_fields(self, request, obj=None):
        actor = request.user
        # The sign-in dates are records of what happened, not settings.
        readonly = {"last_login", "date_joined"}
        if obj is not None:
            if not can_grant_superuser(actor):
                readonly.add("is_superuser")
            if not actor.is_superuser:
                # Staff manage people through roles, not single permissions.
                readonly.add("user_permissions")
            if not can_change_access(actor, obj):
                readonly.update(ACCESS_FIELDS)
        return sorted(readonly)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "street" and not request.user.is_superuser:
            # An account taken out of every street would be out of its admins' reach too.
            kwargs["required"] = True
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups":
            kwargs["queryset"] = groups_grantable_by(request.user)
        elif db_field.name == "user_permissions":
            kwargs["queryset"] = permissions_grantable_by(request.user).select_related(
                "content_type"
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        actor = request.user
        if not change:
            user_add(user=obj, actor=actor)
            return
        changed = [name for name in form.changed_data if name not in {"groups", "user_permissions"}]
        profile = {name: form.cleaned_data[name] for name in changed if name not in ACCESS_FIELDS}
        if profile:
            user_update_profile(user=obj, actor=actor, **profile)
        if "is_active" in changed:
            user_set_active(user=obj, is_active=obj.is_active, actor=actor)
        if "is_staff" in changed:
            user_set_staff(user=obj, is_staff=obj.is_staff, actor=actor)
        if "is_superuser" in changed:
            user_set_superuser(user=obj, is_superuser=obj.is_superuser, actor=actor)

    def save_related(self, request, form, formsets, change):
        # Not form.save_m2m(): roles and permissions are written by the services, which
        # check each one given or taken. The user admin has no inlines.
        if "groups" in form.changed_data:
            user_set_roles(
                user=form.instance, groups=form.cleaned_data["groups"], actor=request.user
            )
        if "user_permissions" in form.changed_data:
            user_set_permissions(
                user=form.instance,
                permissions=form.cleaned_data["user_permissions"],
                actor=request.user,
            )

    def delete_model(self, request, obj):
        user_delete(user=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for user in queryset:
                user_delete(user=user, actor=request.user)

    @method_decorator(sensitive_post_parameters())
    def user_change_password(self, request, id, form_url=""):
        # The stock view looks the account up and then asks only "may you change users?";
        # here the permission comes first and an account beyond the actor's power is the
        # same 404 as a missing id. The password is written by user_set_password.
        if not self.has_change_permission(request):
            raise PermissionDenied
        user = self.get_object(request, unquote(id))
        if user is None or not can_manage_account(request.user, user):
            raise Http404
        if request.method == "POST":
            form = self.change_password_form(user, request.POST)
            if form.is_valid():
                usable = form.cleaned_data["set_usable_password"]
                if not usable and "unset-password" not in request.POST:
                    messages.error(
                        request, gettext("Conflicting form data submitted. Please try again.")
                    )
                    return HttpResponseRedirect(request.get_full_path())
                user = user_set_password(
                    user=user,
                    password=form.cleaned_data["password1"] if usable else None,
                    actor=request.user,
                )
                self.log_change(request, user, self.construct_change_message(request, form, None))
                if user.has_usable_password():
                    messages.success(request, gettext("Password changed successfully."))
                else:
                    messages.success(
                        request, gettext("Password-based authentication was disabled.")
                    )
                update_session_auth_hash(request, user)
                return HttpResponseRedirect(
                    reverse(f"{self.admin_site.name}:accounts_user_change", args=(user.pk,))
                )
        else:
            form = self.change_password_form(user)
        title = _("Change password: %s") if user.has_usable_password() else _("Set password: %s")
        context = {
            "title": title % escape(user.get_username()),
            "adminForm": admin.helpers.AdminForm(
                form, [(None, {"fields": list(form.base_fields)})], {}
            ),
            "form_url": form_url,
            "form": form,
            "is_popup": IS_POPUP_VAR in request.POST or IS_POPUP_VAR in request.GET,
            "is_popup_var": IS_POPUP_VAR,
            "add": True,
            "change": False,
            "has_delete_permission": False,
            "has_change_permission": True,
            "has_absolute_url": False,
            "opts": self.opts,
            "original": user,
            "save_as": False,
            "show_save": True,
            **self.admin_site.each_context(request),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(
            request,
            self.change_user_password_template or "admin/auth/user/change_password.html",
            context,
        )
