from django.urls import path

from springboard.privacy import views

app_name = "privacy"
urlpatterns = [path("", views.audit, name="audit")]
