from django.urls import path

from marketplace import views, views_staff

app_name = "marketplace"

urlpatterns = [
    path("", views.home, name="home"),
    path("wishes/", views.wish_wall, name="wish_wall"),
    path("lists/", views.public_lists, name="lists"),
    path("claim/<str:kind>/<int:pk>/", views.claim_item, name="claim_item"),
    path("claims/<int:pk>/", views.claim_detail, name="claim"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence"),
    path("offer/", views.resource_offer, name="resource_offer"),
    path("board/", views_staff.board, name="board"),
    path("needs/<int:pk>/", views_staff.need_detail, name="need"),
    path("needs/<int:pk>/match/", views_staff.need_match, name="need_match"),
    path("wishes/collect/", views_staff.wish_collect, name="wish_collect"),
]
