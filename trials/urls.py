from django.urls import path

from trials.pages import feeds, views
from trials.questionnaire import views as check_views
from trialsearch.ratelimits import page_rate_limit

app_name = "trials"

urlpatterns = [
    path("", views.home, name="home"),
    path("trials/", page_rate_limit("search")(views.trial_list), name="list"),
    path("trials/feed/", page_rate_limit("feed")(feeds.TrialSearchFeed()), name="feed"),
    path("about/", views.about, name="about"),
    path("trials/<slug:slug>/", views.trial_detail, name="detail"),
    path("check/", page_rate_limit("check")(check_views.check), name="check"),
]
