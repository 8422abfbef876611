from django.urls import path

from springboard.privacy.consents import views

app_name = "consents"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("<uuid:public_id>/grant/", views.grant, name="grant"),
    path("<uuid:public_id>/withdraw/", views.withdraw, name="withdraw"),
]
