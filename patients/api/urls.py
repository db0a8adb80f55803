from django.urls import path

from patients.api import views

app_name = "patients-api"

urlpatterns = [
    path("", views.PatientProfileListView.as_view(), name="list"),
    # <str:...> so that any unknown id gets the API's JSON 404, not the site's HTML one.
    path("<str:pk>/", views.PatientProfileDetailView.as_view(), name="detail"),
    path("<str:pk>/matches/", views.PatientProfileMatchesView.as_view(), name="matches"),
]
