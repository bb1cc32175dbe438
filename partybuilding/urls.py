from django.urls import path

from partybuilding import views

app_name = "partybuilding"

urlpatterns = [
    path("coverage/", views.coverage, name="coverage"),
    path("compliance/", views.compliance, name="compliance"),
    path("members/", views.members, name="members"),
]
