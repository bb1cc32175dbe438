from django.urls import path

from rankings import views_portal, views_public

app_name = "rankings"

urlpatterns: list = [
    # Public, no login — views_public.py
    path("", views_public.board, name="board"),
    path("<int:pk>/", views_public.ranking_page, name="ranking"),
    path("organizations/<int:pk>/", views_public.portrait, name="portrait"),
    path("organizations/<int:pk>/pdf/", views_public.portrait_pdf, name="portrait_pdf"),
    # Leaders, logged in — views_portal.py (objections during the public notice)
    path("notice/", views_portal.notice_list, name="notice"),
    path("notice/<int:ranking_pk>/<int:org_pk>/", views_portal.notice_row, name="notice_row"),
    path(
        "notice/<int:ranking_pk>/<int:org_pk>/object/",
        views_portal.notice_object,
        name="notice_object",
    ),
]
