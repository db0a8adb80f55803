from django.urls import path

from trials.api import views
from trials.api.docs import RedocView, SchemaView, SwaggerView
from trials.api.eligibility import EligibilityView

app_name = "api"

urlpatterns = [
    path("trials/", views.TrialListView.as_view(), name="trial-list"),
    # <str:...> rather than <slug:...>/<int:...>, so that any unknown trial gets the API's JSON 404.
    path("trials/cruk/<str:cruk_id>/", views.TrialByCrukIdView.as_view(), name="trial-detail-cruk"),
    path("trials/<str:slug>/", views.TrialDetailView.as_view(), name="trial-detail"),
    path("tumour-types/", views.TumourTypeListView.as_view(), name="tumour-type-list"),
    path("interventions/", views.InterventionListView.as_view(), name="intervention-list"),
    path("drug-classes/", views.DrugClassListView.as_view(), name="drug-class-list"),
    path("hospitals/", views.HospitalListView.as_view(), name="hospital-list"),
    path("eligibility/", EligibilityView.as_view(), name="eligibility"),
    path("schema/", SchemaView.as_view(), name="schema"),
    path("docs/", SwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", RedocView.as_view(url_name="api:schema"), name="redoc"),
]
