from django.urls import path

from springboard.accounts.api_tokens import views

app_name = "tokens"
urlpatterns = [
    path("", views.token_list, name="list"),
    path("new/", views.token_create, name="create"),
    path("agency/", views.agency_tokens, name="agency"),
    path("<uuid:public_id>/revoke/", views.token_revoke, name="revoke"),
]
