from django.urls import URLPattern, path  # noqa: F401

from springboard.outcomes import views  # noqa: F401

app_name = "outcomes"
urlpatterns: list[URLPattern] = []
