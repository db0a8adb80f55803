from django.urls import path

from trials.pages import feeds, views
from trials.questionnaire import views as check_views
from trials.registry.answers import cache_answers
from trialsearch.ratelimits import page_rate_limit

app_name = "trials"

urlpatterns = [
    path("", cache_answers(views.home), name="home"),
    path("trials/", page_rate_limit("search")(cache_answers(views.trial_list)), name="list"),
    path("trials/feed/", page_rate_limit("feed")(cache_answers(feeds.TrialSearchFeed())), name="feed"),
    path("about/", cache_answers(views.about), name="about"),
    path("trials/<slug:slug>/", cache_answers(views.trial_detail), name="detail"),
    path("check/", page_rate_limit("check")(check_views.check), name="check"),
]
