from django.urls import path

from springboard.privacy.erasure import views

app_name = "erasure"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("settings/", views.privacy_settings, name="settings"),
    path("requests/", views.requests, name="requests"),
    path("requests/<uuid:public_id>/", views.request_detail, name="request_detail"),
    path("requests/<uuid:public_id>/erase/", views.request_erase, name="request_erase"),
    path("requests/<uuid:public_id>/refuse/", views.request_refuse, name="request_refuse"),
]
