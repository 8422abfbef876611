from django.urls import path

from springboard.accounts import views

app_name = "accounts"
urlpatterns = [path("<str:token>/", views.invitation_accept, name="invitation_accept")]
