"""The project's URLs plus a stock Django admin of organizations at /stock-admin/, for
bench/side_by_side.py: the same rows through a plain ``ModelAdmin`` (no list columns,
no filters, no tuned queries, Django's own pagination and count; the platform's search
fields)."""

from django.contrib import admin
from django.urls import path

from incubation.models import Organization
from kaiyihui.urls import urlpatterns as project_urlpatterns

stock_site = admin.AdminSite(name="stock")
# Django's defaults, with only the same search fields as the platform's (without them a
# search would be ignored and the two searched lists would not compare).
stock_site.register(Organization, search_fields=["name", "=uscc", "=filing_number", "leader_name"])

urlpatterns = [path("stock-admin/", stock_site.urls), *project_urlpatterns]
