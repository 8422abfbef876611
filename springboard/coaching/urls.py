from django.urls import URLPattern, path  # noqa: F401

from springboard.coaching import views  # noqa: F401

app_name = "coaching"
urlpatterns: list[URLPattern] = []
