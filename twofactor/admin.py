"""django-otp registers admin pages for its devices; they would show secrets (keys,
recovery codes) and are English-only. Resets go through `manage.py twofactor_reset`."""

from django.contrib import admin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

for model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
