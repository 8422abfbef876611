from django.urls import path

from springboard.privacy import views

app_name = "myaudit"
urlpatterns = [path("", views.my_data_log, name="log")]
