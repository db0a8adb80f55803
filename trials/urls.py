from django.urls import path

from trials.pages import feeds, views
from trials.questionnaire import views as check_views

app_name = "trials"

urlpatterns = [
    path("", views.home, name="home"),
    path("trials/", views.trial_list, name="list"),
    path("trials/feed/", feeds.TrialSearchFeed(), name="feed"),
    path("about/", views.about, name="about"),
    path("trials/<slug:slug>/", views.trial_detail, name="detail"),
    path("check/", check_views.check, name="check"),
]
