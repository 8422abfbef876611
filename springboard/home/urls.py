from django.urls import path

from springboard.home import views

app_name = "home"
urlpatterns = [
    path("", views.agency_home, name="agency"),
]
