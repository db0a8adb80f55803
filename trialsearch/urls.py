from django.contrib import admin
from django.urls import include, path

from trialsearch.admin_guards import guard_admin_site
from trialsearch.health import healthz

# Every app's admin is registered by now (autodiscovery runs when the apps load).
guard_admin_site(admin.site)

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("patients.account_urls")),
    path("specialist/", include("patients.urls")),
    path("api/v1/patients/", include("patients.api.urls")),
    path("api/v1/", include("trials.api.urls")),
    path("", include("trials.urls")),
]

# JSON under /api/, the site's pages elsewhere (trialsearch.errors).
handler400 = "trialsearch.errors.bad_request"
handler403 = "trialsearch.errors.permission_denied"
handler404 = "trialsearch.errors.page_not_found"
handler500 = "trialsearch.errors.server_error"
