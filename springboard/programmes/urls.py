from django.urls import path

from springboard.programmes import views

app_name = "programmes"
urlpatterns = [
    path("", views.caseload, name="caseload"),
    path("start/", views.programme_start, name="start"),
    path("templates/", views.templates, name="templates"),
    path("employer-overview/", views.employer_overview, name="employer_overview"),
    path(
        "engagements/<uuid:public_id>/template/",
        views.engagement_template,
        name="engagement_template",
    ),
    path("cohorts/<uuid:public_id>/start/", views.bulk_start_cohort, name="bulk_start_cohort"),
    path(
        "engagements/<uuid:public_id>/start/",
        views.bulk_start_engagement,
        name="bulk_start_engagement",
    ),
    path("bulk-starts/<uuid:public_id>/", views.bulk_start_detail, name="bulk_start_detail"),
    path("templates/<uuid:public_id>/", views.template_detail, name="template_detail"),
    path("templates/<uuid:public_id>/edit/", views.template_edit, name="template_edit"),
    path("<uuid:public_id>/", views.detail, name="detail"),
    path("<uuid:public_id>/intake/", views.intake, name="intake"),
    path("<uuid:public_id>/status/", views.transition, name="transition"),
    path("<uuid:public_id>/coaches/", views.coaches, name="coaches"),
    path("<uuid:public_id>/items/add/", views.item_add, name="item_add"),
    path("<uuid:public_id>/items/<uuid:item_id>/done/", views.task_done, name="task_done"),
    path("<uuid:public_id>/items/<uuid:item_id>/edit/", views.item_edit, name="item_edit"),
    path("<uuid:public_id>/wellbeing/", views.checkin, name="checkin"),
    path("<uuid:public_id>/wellbeing/consent/", views.consent, name="consent"),
]
