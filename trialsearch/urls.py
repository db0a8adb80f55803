from django.contrib import admin
from django.urls import include, path

from trialsearch.health import healthz

admin.site.site_header = "TrialSearch administration"
admin.site.site_title = "TrialSearch admin"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("trials.api.urls")),
    path("", include("trials.urls")),
]
