from django.urls import include, path

from springboard.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("language/", core_views.language_switch, name="language_switch"),
    # allauth, with only the social-account URLs that agency SSO uses (accounts/sso/).
    path("accounts/", include("springboard.accounts.sso.allauth_urls")),
    path("", include("springboard.api.urls")),
    path("agencies/", include("springboard.tenancy.urls_global")),
    path("a/<slug:agency_slug>/", include("springboard.home.urls")),
    path("a/<slug:agency_slug>/", include("springboard.tenancy.urls")),
    path("a/<slug:agency_slug>/invitations/", include("springboard.accounts.urls")),
    path("a/<slug:agency_slug>/audit/", include("springboard.privacy.urls")),
    path("a/<slug:agency_slug>/privacy/exports/", include("springboard.privacy.urls_exports")),
    path("a/<slug:agency_slug>/privacy/erasure/", include("springboard.privacy.urls_erasure")),
    path("a/<slug:agency_slug>/privacy/consents/", include("springboard.privacy.urls_consents")),
    path("a/<slug:agency_slug>/privacy/my-data/", include("springboard.privacy.urls_myaudit")),
    path("a/<slug:agency_slug>/tokens/", include("springboard.accounts.urls_tokens")),
    path("a/<slug:agency_slug>/sso/", include("springboard.accounts.sso.urls")),
    path("a/<slug:agency_slug>/programmes/", include("springboard.programmes.urls")),
    path("a/<slug:agency_slug>/taxonomy/", include("springboard.taxonomy.urls")),
    path("a/<slug:agency_slug>/assessments/", include("springboard.assessments.urls")),
    path("a/<slug:agency_slug>/profile/", include("springboard.profiles.urls")),
    path("a/<slug:agency_slug>/network/", include("springboard.network.urls")),
    path("a/<slug:agency_slug>/coaching/", include("springboard.coaching.urls")),
    path("a/<slug:agency_slug>/outcomes/", include("springboard.outcomes.urls")),
    path("a/<slug:agency_slug>/cvs/", include("springboard.cvs.urls")),
    path("a/<slug:agency_slug>/jobs/", include("springboard.jobs.urls")),
    path("a/<slug:agency_slug>/opportunities/", include("springboard.opportunities.urls")),
    path("a/<slug:agency_slug>/", include("springboard.employers.urls")),
]

handler403 = "springboard.core.views.permission_denied"
handler404 = "springboard.core.views.page_not_found"
handler500 = "springboard.core.views.server_error"
