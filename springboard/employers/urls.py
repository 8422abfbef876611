from django.urls import path

from springboard.employers import views

app_name = "employers"
urlpatterns = [
    path("employers/", views.employer_list, name="employer_list"),
    path("employers/new/", views.employer_create, name="employer_create"),
    path("employers/<uuid:public_id>/", views.employer_detail, name="employer_detail"),
    path("employers/<uuid:public_id>/edit/", views.employer_edit, name="employer_edit"),
    path(
        "employers/<uuid:public_id>/engagements/new/",
        views.engagement_create,
        name="engagement_create",
    ),
    path("engagements/<uuid:public_id>/", views.engagement_detail, name="engagement_detail"),
    path("engagements/<uuid:public_id>/edit/", views.engagement_edit, name="engagement_edit"),
    path("engagements/<uuid:public_id>/cohorts/new/", views.cohort_create, name="cohort_create"),
    path("engagements/<uuid:public_id>/enrol/", views.enrol, name="enrol"),
    path("engagements/<uuid:public_id>/imports/new/", views.import_upload, name="import_upload"),
    path("cohorts/<uuid:public_id>/", views.cohort_detail, name="cohort_detail"),
    path(
        "cohorts/<uuid:public_id>/invitations.pdf",
        views.cohort_invitation_sheet,
        name="cohort_invitation_sheet",
    ),
    path(
        "cohort-tasks/<uuid:public_id>/toggle/", views.cohort_task_toggle, name="cohort_task_toggle"
    ),
    path(
        "enrolments/<uuid:public_id>/invitation.pdf",
        views.enrolment_invitation,
        name="enrolment_invitation",
    ),
    path("imports/<uuid:public_id>/", views.import_detail, name="import_detail"),
    path("imports/<uuid:public_id>/start/", views.import_start, name="import_start"),
    path("imports/<uuid:public_id>/errors.csv", views.import_errors, name="import_errors"),
    path("settings/checklist/", views.checklist_template, name="checklist_template"),
    path("my/privacy/", views.candidate_privacy, name="candidate_privacy"),
    path("my/cohorts/", views.contact_cohorts, name="contact_cohorts"),
]
