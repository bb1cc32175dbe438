from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.account_list, name="care"),
    path("new/", views.account_create, name="care_create"),
    path("<int:pk>/", views.account_detail, name="care_detail"),
    path("<int:pk>/active/", views.account_set_active, name="care_set_active"),
    path("<int:pk>/password/", views.account_reset_password, name="care_reset_password"),
    path("<int:pk>/unlock/", views.account_unlock, name="care_unlock"),
    path("<int:pk>/two-factor/reset/", views.account_reset_two_factor, name="care_reset_2fa"),
]
