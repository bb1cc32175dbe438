from django.urls import path

from rankings import views_public

app_name = "rankings"

urlpatterns: list = [
    # Public, no login — views_public.py
    path("", views_public.board, name="board"),
    path("<int:pk>/", views_public.ranking_page, name="ranking"),
    path("organizations/<int:pk>/", views_public.portrait, name="portrait"),
    path("organizations/<int:pk>/pdf/", views_public.portrait_pdf, name="portrait_pdf"),
]
