from django.urls import path

from springboard.assessments import views

app_name = "assessments"
urlpatterns = [
    path("", views.instrument_list, name="list"),
    path("attempts/<uuid:attempt_id>/", views.save, name="save"),
    path("attempts/<uuid:attempt_id>/entries/", views.entries, name="entries"),
    path("attempts/<uuid:attempt_id>/result/", views.result, name="result"),
    path("programmes/<uuid:public_id>/", views.coach_results, name="coach_results"),
    path(
        "programmes/<uuid:public_id>/attempts/<uuid:attempt_id>/",
        views.coach_attempt,
        name="coach_attempt",
    ),
    path(
        "programmes/<uuid:public_id>/attempts/<uuid:attempt_id>/comments/",
        views.comment,
        name="comment",
    ),
    # Last: the instrument's slug would otherwise shadow the fixed paths above.
    path("<slug:instrument>/", views.instrument, name="instrument"),
]
