from django.urls import path

from marketplace import views

app_name = "marketplace"

urlpatterns = [
    path("", views.home, name="home"),
    path("wishes/", views.wish_wall, name="wish_wall"),
    path("claim/<str:kind>/<int:pk>/", views.claim_item, name="claim_item"),
    path("claims/<int:pk>/", views.claim_detail, name="claim"),
]
