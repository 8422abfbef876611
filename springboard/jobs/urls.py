from django.urls import URLPattern, path  # noqa: F401

from springboard.jobs import views  # noqa: F401

app_name = "jobs"
urlpatterns: list[URLPattern] = []
