from django.urls import URLPattern, path  # noqa: F401

from springboard.network import views  # noqa: F401

app_name = "network"
urlpatterns: list[URLPattern] = []
