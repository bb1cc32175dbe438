from django.urls import path

from volunteering import views_portal, views_public, views_record

app_name = "volunteering"

urlpatterns: list = [
    # Portal (volunteers and organizers) — views_portal.py
    path("", views_portal.home, name="home"),
    path("activities/<int:pk>/", views_portal.activity, name="activity"),
    path("sessions/<int:pk>/sign-up/", views_portal.session_sign_up, name="sign_up"),
    path("places/<int:pk>/cancel/", views_portal.place_cancel, name="place_cancel"),
    path("s/<int:session_pk>/<str:token>/", views_portal.session_scan, name="scan"),
    path("organize/", views_portal.organize, name="organize"),
    path("organize/<int:pk>/", views_portal.roster, name="roster"),
    path("organize/<int:pk>/submit/", views_portal.organize_submit, name="activity_submit"),
    path("organize/sessions/<int:pk>/qr/", views_portal.session_qr, name="session_qr"),
    path("organize/sessions/<int:pk>/close/", views_portal.organize_close, name="session_close"),
    path("organize/sessions/<int:pk>/mark/", views_portal.organize_mark, name="session_mark"),
    path(
        "organize/places/<int:pk>/supplement/",
        views_portal.organize_supplement,
        name="place_supplement",
    ),
    # A volunteer's record and certificates — views_record.py
    path("me/", views_record.my_record, name="my_record"),
    path("volunteers/<int:pk>/", views_record.volunteer_record, name="volunteer_record"),
    path("certificates/<int:pk>/pdf/", views_record.certificate_pdf, name="certificate_pdf"),
    path("certificates/<str:code>/", views_record.certificate_check, name="certificate_check"),
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
