from django.urls import path  # noqa: F401

app_name = "evaluation"

# The portal pages of this app arrive with its issue.
urlpatterns = []
