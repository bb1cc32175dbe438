from django.urls import path  # noqa: F401

app_name = "funding"

# The portal pages of this app arrive with its issue.
urlpatterns = []
