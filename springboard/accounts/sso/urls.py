from django.urls import path

from springboard.accounts.sso import views

app_name = "sso"
urlpatterns = [
    path("", views.idp_list, name="list"),
    path("signin/", views.signin, name="signin"),
    path("new/<str:kind>/", views.idp_create, name="create"),
    path("<uuid:public_id>/", views.idp_edit, name="edit"),
    path("<uuid:public_id>/test/", views.idp_test, name="test"),
    path("<uuid:public_id>/toggle/", views.idp_toggle, name="toggle"),
    path("<uuid:public_id>/metadata/", views.sp_metadata, name="metadata"),
]
