from django.urls import path

from springboard.profiles import views

app_name = "profiles"
urlpatterns = [
    path("", views.profile, name="profile"),
    path("complete/", views.profile_complete, name="complete"),
    path("preferences/", views.preferences, name="preferences"),
    path("occupations/suggest/", views.occupation_suggest, name="occupation_suggest"),
    path("skills/", views.skills, name="skills"),
    path("skills/suggest/", views.skill_suggest, name="skill_suggest"),
    path("skills/add/", views.skill_add, name="skill_add"),
    path("skills/mapped/", views.skills_mapped, name="skills_mapped"),
    path("skills/<uuid:skill_id>/", views.skill_edit, name="skill_edit"),
    path("skills/<uuid:skill_id>/confirm/", views.skill_confirm, name="skill_confirm"),
    path("skills/<uuid:skill_id>/remove/", views.skill_remove, name="skill_remove"),
    path("cv/", views.cv_upload, name="cv_upload"),
    path("cv/<uuid:upload_id>/", views.cv_detail, name="cv_detail"),
    path("cv/<uuid:upload_id>/read-again/", views.cv_reparse, name="cv_reparse"),
    path("cv/<uuid:upload_id>/delete/", views.cv_delete, name="cv_delete"),
    path(
        "cv/<uuid:upload_id>/suggestions/<uuid:suggestion_id>/",
        views.cv_decide,
        name="cv_decide",
    ),
    path("coach/<uuid:programme_id>/", views.coach_profile, name="coach_profile"),
    path("coach/<uuid:programme_id>/comment/", views.coach_comment, name="coach_comment"),
    path(
        "coach/<uuid:programme_id>/skills/<uuid:skill_id>/confirm/",
        views.coach_skill_confirm,
        name="coach_skill_confirm",
    ),
    path("<slug:section>/add/", views.row_add, name="row_add"),
    path("<slug:section>/<uuid:row_id>/", views.row_edit, name="row_edit"),
    path("<slug:section>/<uuid:row_id>/delete/", views.row_delete, name="row_delete"),
]
