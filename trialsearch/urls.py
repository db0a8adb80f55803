from django.contrib import admin
from django.urls import include, path

from trialsearch.health import healthz

admin.site.site_header = "TrialSearch administration"
admin.site.site_title = "TrialSearch admin"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("patients.account_urls")),
    path("specialist/", include("patients.urls")),
    path("api/v1/patients/", include("patients.api.urls")),
    path("api/v1/", include("trials.api.urls")),
    path("", include("trials.urls")),
]
