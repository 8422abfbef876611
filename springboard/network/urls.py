from django.urls import path

from springboard.network import views

app_name = "network"
urlpatterns = [
    path("", views.contacts, name="contacts"),
    path("add/", views.contact_add, name="contact_add"),
    path("import/", views.import_contacts, name="import"),
    path("import/<uuid:public_id>/", views.import_confirm, name="import_confirm"),
    path("map/", views.network_map, name="map"),
    path("introductions/", views.introducers, name="introducers"),
    path("share/", views.share, name="share"),
    path("log/", views.log, name="log"),
    path("log/export/", views.log_export, name="log_export"),
    path("log/<uuid:public_id>/delete/", views.log_delete, name="log_delete"),
    path("follow-ups/<uuid:public_id>/done/", views.follow_up_done, name="follow_up_done"),
    path("programmes/<uuid:public_id>/", views.coach_contacts, name="coach_contacts"),
    path("<uuid:public_id>/", views.contact_detail, name="contact_detail"),
    path("<uuid:public_id>/edit/", views.contact_edit, name="contact_edit"),
    path("<uuid:public_id>/circle/", views.contact_circle, name="contact_circle"),
    path("<uuid:public_id>/delete/", views.contact_delete, name="contact_delete"),
    path("<uuid:public_id>/merge/", views.contact_merge, name="contact_merge"),
    path("<uuid:public_id>/interactions/", views.interaction_add, name="interaction_add"),
    path("<uuid:public_id>/draft/", views.draft, name="draft"),
]
