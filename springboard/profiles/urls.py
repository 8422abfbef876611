from django.urls import URLPattern, path  # noqa: F401

from springboard.profiles import views  # noqa: F401

app_name = "profiles"
urlpatterns: list[URLPattern] = []
