from django.urls import path

from springboard.outcomes import views

app_name = "outcomes"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("report/", views.employer_report, name="employer_report"),
    path("report.csv", views.employer_report_csv, name="employer_report_csv"),
    path("report.pdf", views.employer_report_pdf, name="employer_report_pdf"),
    path("invoicing/", views.invoicing, name="invoicing"),
    path("invoicing.csv", views.invoicing_download, name="invoicing_csv"),
    path("check-in/<str:token>/", views.checkin_answer, name="checkin_answer"),
    path("programmes/<uuid:public_id>/", views.outcome_edit, name="outcome_edit"),
    path("programmes/<uuid:public_id>/confirm/", views.outcome_confirm, name="outcome_confirm"),
]
