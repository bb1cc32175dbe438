from django.urls import path

from awards import views_portal

app_name = "awards"

urlpatterns: list = [
    path("", views_portal.campaigns, name="campaigns"),
    path("campaigns/<int:pk>/", views_portal.campaign, name="campaign"),
    path("campaigns/<int:pk>/nominate/", views_portal.nominate, name="nominate"),
    path("nominations/<int:pk>/", views_portal.nomination, name="nomination"),
    path("nominations/<int:pk>/object/", views_portal.object_to, name="object"),
    path("materials/<int:pk>/", views_portal.material, name="material"),
    path("judge/", views_portal.judge_home, name="judge_home"),
    path("judge/<int:pk>/", views_portal.judge_campaign, name="judge_campaign"),
    path("judge/nominations/<int:pk>/score/", views_portal.score, name="score"),
    path("judge/nominations/<int:pk>/conflict/", views_portal.conflict, name="conflict"),
]
