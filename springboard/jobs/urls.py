from django.urls import path

from springboard.jobs import views, views_mock

app_name = "jobs"
urlpatterns = [
    path("", views.for_you, name="for_you"),
    path("vacancies/", views.vacancies, name="vacancies"),
    path("vacancies/add/", views.vacancy_add, name="vacancy_add"),
    path("vacancies/import/", views.vacancy_import, name="vacancy_import"),
    path("vacancies/<uuid:public_id>/", views.vacancy, name="vacancy"),
    path("vacancies/<uuid:public_id>/save/", views.vacancy_save, name="vacancy_save"),
    path("applications/", views.applications, name="applications"),
    path("applications/add/", views.application_add, name="application_add"),
    path("applications/<uuid:public_id>/", views.application, name="application"),
    path("applications/<uuid:public_id>/move/", views.application_move, name="application_move"),
    path("applications/<uuid:public_id>/interviews/", views.interview_add, name="interview_add"),
    path("applications/<uuid:public_id>/offers/", views.offer_add, name="offer_add"),
    path("interviews/<uuid:public_id>/", views.interview, name="interview"),
    path(
        "interviews/<uuid:public_id>/calendar.ics",
        views.interview_calendar,
        name="interview_calendar",
    ),
    path("offers/", views.offers, name="offers"),
    path("offers/<uuid:public_id>/accept/", views.offer_accept, name="offer_accept"),
    path("searches/", views.searches, name="searches"),
    path("searches/<uuid:public_id>/digest/", views.search_digest, name="search_digest"),
    path("searches/<uuid:public_id>/delete/", views.search_delete, name="search_delete"),
    path("unsubscribe/<str:token>/", views.search_unsubscribe, name="search_unsubscribe"),
    path("targets/", views.targets, name="targets"),
    path("targets/<uuid:public_id>/remove/", views.target_remove, name="target_remove"),
    path("candidates/<uuid:public_id>/", views.candidate_pipeline, name="candidate_pipeline"),
    path("mock-interviews/", views_mock.mock_list, name="mock_list"),
    path("mock-interviews/<uuid:public_id>/", views_mock.mock_detail, name="mock_detail"),
    path("mock-interviews/<uuid:public_id>/score/", views_mock.mock_score, name="mock_score"),
    path("mock-interviews/<uuid:public_id>/share/", views_mock.mock_share, name="mock_share"),
    path(
        "candidates/<uuid:public_id>/mock-interviews/",
        views_mock.mock_coach_list,
        name="mock_coach_list",
    ),
]
