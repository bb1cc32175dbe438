from django.urls import path

from volunteering import views_portal, views_public

app_name = "volunteering"

urlpatterns: list = [
    # Portal (volunteers and organizers) — views_portal.py
    # Public, no login (calendar, iCalendar feeds, certificate check) — views_public.py
    path("calendar/", views_public.calendar, name="calendar"),
    path("calendar/sessions/<int:pk>/", views_public.public_session, name="public_session"),
    path("calendar/community/<int:pk>.ics", views_public.community_ics, name="community_ics"),
    path(
        "calendar/organization/<int:pk>.ics",
        views_public.organization_ics,
        name="organization_ics",
    ),
]
