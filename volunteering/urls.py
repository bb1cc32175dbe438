from django.urls import path

from volunteering import views_portal, views_public

app_name = "volunteering"

urlpatterns: list = [
    # Portal (volunteers and organizers) — views_portal.py
    # Public, no login (calendar, iCalendar feeds, certificate check) — views_public.py
]
