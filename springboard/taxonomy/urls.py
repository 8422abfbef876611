from django.urls import path

from springboard.taxonomy import views

app_name = "taxonomy"
urlpatterns = [
    path("occupations/", views.occupation_search, name="occupation_search"),
    path("occupations/suggest/", views.occupation_suggest, name="occupation_suggest"),
    path("occupations/<uuid:public_id>/", views.occupation_detail, name="occupation_detail"),
    path("skills/<uuid:public_id>/", views.skill_detail, name="skill_detail"),
]
