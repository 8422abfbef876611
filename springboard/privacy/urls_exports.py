from django.urls import path

from springboard.privacy.exports import views

app_name = "exports"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("members/", views.members, name="members"),
    path("members/<uuid:membership_id>/", views.member_start, name="member_start"),
    path("<uuid:export_id>/", views.detail, name="detail"),
    path("<uuid:export_id>/download/", views.download, name="download"),
]
