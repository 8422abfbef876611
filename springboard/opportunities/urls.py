from django.urls import path

from springboard.opportunities import views

app_name = "opportunities"
urlpatterns = [
    path("", views.opportunity_list, name="list"),
    path("programmes/<uuid:public_id>/", views.coach_view, name="coach"),
    path(
        "programmes/<uuid:public_id>/training-needs/",
        views.training_need,
        name="training_need",
    ),
]
