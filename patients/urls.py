from django.urls import path

from patients import views

app_name = "patients"

urlpatterns = [
    path("", views.profile_list, name="list"),
    path("new/", views.profile_create, name="create"),
    path("<int:pk>/", views.profile_matches, name="matches"),
    path("<int:pk>/edit/", views.profile_edit, name="edit"),
    path("<int:pk>/delete/", views.profile_delete, name="delete"),
    path("<int:pk>/print/", views.profile_print, name="print"),
    path("<int:pk>/matches.csv", views.profile_csv, name="csv"),
]
