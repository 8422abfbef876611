from django.urls import URLPattern, path

from springboard.coaching import views

app_name = "coaching"
urlpatterns: list[URLPattern] = [
    # sessions and the calendar
    path("sessions/", views.sessions, name="sessions"),
    path("programmes/<uuid:programme_id>/book/", views.session_book, name="session_book"),
    path("sessions/<uuid:public_id>/", views.session_detail, name="session_detail"),
    path("sessions/<uuid:public_id>/confirm/", views.session_confirm, name="session_confirm"),
    path(
        "sessions/<uuid:public_id>/reschedule/",
        views.session_reschedule,
        name="session_reschedule",
    ),
    path("sessions/<uuid:public_id>/cancel/", views.session_cancel, name="session_cancel"),
    path(
        "sessions/<uuid:public_id>/attendance/",
        views.session_attendance,
        name="session_attendance",
    ),
    path("sessions/<uuid:public_id>/rate/", views.session_rate, name="session_rate"),
    path("sessions/<uuid:public_id>/session.ics", views.session_ics, name="session_ics"),
    path("calendar/", views.calendar, name="calendar"),
    path("calendar/regenerate/", views.calendar_regenerate, name="calendar_regenerate"),
    path("calendar/revoke/", views.calendar_revoke, name="calendar_revoke"),
    path("feed/<str:token>.ics", views.feed, name="feed"),
    # notes
    path("programmes/<uuid:programme_id>/notes/", views.notes, name="notes"),
    # coaches
    path("coaches/", views.coaches, name="coaches"),
    path("coaches/<uuid:coach_id>/choose/", views.coach_choose, name="coach_choose"),
    path("coaches/<uuid:coach_id>/photo.jpg", views.coach_photo, name="coach_photo"),
    path("profile/", views.profile, name="profile"),
    path("profile/availability/", views.availability, name="availability"),
    path("coaches/change/", views.change_request, name="change_request"),
    path("coaches/change/<uuid:public_id>/decide/", views.change_decide, name="change_decide"),
    path("engagements/<uuid:engagement_id>/policy/", views.policy, name="policy"),
    # workshops and modules
    path("workshops/", views.workshops, name="workshops"),
    path("workshops/new/", views.workshop_add, name="workshop_add"),
    path("workshops/<uuid:public_id>/", views.workshop_detail, name="workshop_detail"),
    path("workshops/<uuid:public_id>/dates/", views.workshop_date_add, name="workshop_date_add"),
    path("workshops/<uuid:public_id>/materials/", views.material_add, name="material_add"),
    path("dates/<uuid:date_id>/signup/", views.workshop_signup, name="workshop_signup"),
    path("seats/<uuid:public_id>/cancel/", views.seat_cancel, name="seat_cancel"),
    path("seats/<uuid:public_id>/attendance/", views.seat_attendance, name="seat_attendance"),
    path(
        "materials/<uuid:public_id>/download.<slug:extension>",
        views.material_download,
        name="material_download",
    ),
    # the personal budget
    path("programmes/<uuid:programme_id>/budget/", views.budget, name="budget"),
    path("programmes/<uuid:programme_id>/budget/entry/", views.budget_entry, name="budget_entry"),
    path(
        "programmes/<uuid:programme_id>/budget/training/",
        views.training_request,
        name="training_request",
    ),
    path("training/<uuid:public_id>/decide/", views.training_decide, name="training_decide"),
    path("requests/", views.requests_overview, name="requests"),
    path("employer/", views.employer_spend, name="employer_spend"),
]
