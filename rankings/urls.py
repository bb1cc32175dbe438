from django.urls import path

from rankings import views_public

app_name = "rankings"

urlpatterns: list = [
    # Public, no login — views_public.py
    path("organizations/<int:pk>/", views_public.portrait, name="portrait"),
    path("organizations/<int:pk>/pdf/", views_public.portrait_pdf, name="portrait_pdf"),
]
