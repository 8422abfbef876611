from django.urls import path

from springboard.tenancy import views

app_name = "agencies"
urlpatterns = [path("", views.agency_list, name="list")]
