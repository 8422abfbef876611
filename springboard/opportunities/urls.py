from django.urls import URLPattern, path  # noqa: F401

from springboard.opportunities import views  # noqa: F401

app_name = "opportunities"
urlpatterns: list[URLPattern] = []
