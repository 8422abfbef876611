from django.urls import path

from springboard.tenancy import views

app_name = "tenancy"
urlpatterns = [
    path("members/", views.members, name="members"),
    path("members/invite/", views.member_invite, name="member_invite"),
    path("members/<uuid:public_id>/", views.member_edit, name="member_edit"),
    path("members/<uuid:public_id>/deactivate/", views.member_deactivate, name="member_deactivate"),
    path("members/<uuid:public_id>/reactivate/", views.member_reactivate, name="member_reactivate"),
    path("invitations/<uuid:public_id>/revoke/", views.invitation_revoke, name="invitation_revoke"),
]
