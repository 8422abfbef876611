from django.urls import URLPattern, path

from springboard.cvs import views

app_name = "cvs"
urlpatterns: list[URLPattern] = [
    path("", views.cv_list, name="list"),
    path("new/", views.cv_create, name="create"),
    path("import/", views.json_import, name="json_import"),
    path("linkedin/", views.linkedin, name="linkedin"),
    path("linkedin/task/", views.linkedin_task, name="linkedin_task"),
    path(
        "linkedin/<uuid:suggestion_id>/",
        views.linkedin_suggestion,
        name="linkedin_suggestion",
    ),
    path("programme/<uuid:programme_id>/", views.coach_list, name="coach_list"),
    path("<uuid:cv_id>/", views.cv_detail, name="detail"),
    path("<uuid:cv_id>/edit/", views.cv_edit, name="edit"),
    path("<uuid:cv_id>/delete/", views.cv_delete, name="delete"),
    path("<uuid:cv_id>/json-resume/", views.json_export, name="json_export"),
    path(
        "versions/<uuid:version_id>/cv.<str:file_format>",
        views.cv_download,
        name="download",
    ),
    path("versions/<uuid:version_id>/comment/", views.cv_comment, name="comment"),
    path("letters/new/", views.letter_create, name="letter_create"),
    path("letters/<uuid:letter_id>/", views.letter_detail, name="letter_detail"),
    path("letters/<uuid:letter_id>/edit/", views.letter_edit, name="letter_edit"),
    path("letters/<uuid:letter_id>/delete/", views.letter_delete, name="letter_delete"),
    path(
        "letter-versions/<uuid:version_id>/letter.<str:file_format>",
        views.letter_download,
        name="letter_download",
    ),
    path(
        "letter-versions/<uuid:version_id>/comment/",
        views.letter_comment,
        name="letter_comment",
    ),
]
