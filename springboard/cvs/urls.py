from django.urls import URLPattern, path  # noqa: F401

from springboard.cvs import views  # noqa: F401

app_name = "cvs"
urlpatterns: list[URLPattern] = []
