from django.urls import path

from incubation import views

app_name = "incubation"

urlpatterns = [
    path("", views.organization_list, name="organizations"),
    path("<int:pk>/", views.organization_detail, name="organization"),
    path("<int:pk>/contact/", views.organization_contact_edit, name="contact_edit"),
]
