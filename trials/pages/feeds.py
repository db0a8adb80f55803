"""An Atom feed of any search, newest changes first, so people can follow new and changed trials."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from trials.pages.params import query_string, search_form
from trials.registry.models import Trial
from trials.search.filters import Ordering, TrialFilters
from trials.search.selector import KeysetPage, trial_results
from trialsearch.hygiene import clean_text

FEED_SIZE = 50


class CleanAtom1Feed(Atom1Feed):
    """Atom whose entries lose the control characters XML 1.0 cannot hold (pasted registry text has them)."""

    def add_item(self, *args: Any, **kwargs: Any) -> None:
        super().add_item(*args, **kwargs)
        item = self.items[-1]
        for key, value in item.items():
            if isinstance(value, str):
                item[key] = clean_text(value)
        item["categories"] = [clean_text(category) for category in item["categories"] or ()]


@dataclass(frozen=True)
class FeedSearch:
    filters: TrialFilters
    query: str


class TrialSearchFeed(Feed[Trial, FeedSearch]):
    feed_type = CleanAtom1Feed
    title = "TrialSearch: new and changed NET trials"
    subtitle = "Clinical trials for neuroendocrine tumours and carcinomas that match your search, newest changes first."

    def get_object(self, request: HttpRequest, *args: object, **kwargs: object) -> FeedSearch:
        form = search_form(request.GET)
        if not form.is_valid():
            raise Http404("This search has an error; open it on the search page to see it.")
        return FeedSearch(filters=replace(form.to_filters(), ordering=Ordering.NEWEST), query=query_string(request.GET))

    def link(self, obj: FeedSearch) -> str:
        return reverse("trials:list") + (f"?{obj.query}" if obj.query else "")

    def items(self, obj: FeedSearch) -> list[Trial]:
        return trial_results(filters=obj.filters, page=KeysetPage(cursor=None, size=FEED_SIZE)).rows

    def item_title(self, item: Trial) -> str:
        return f"{item.title} [{item.get_status_display()}]"

    def item_description(self, item: Trial) -> str:
        return item.summary

    def item_updateddate(self, item: Trial) -> dt.datetime:
        return item.updated_at

    def item_pubdate(self, item: Trial) -> dt.datetime:
        return item.created_at

    def item_categories(self, item: Trial) -> list[str]:
        return [tumour_type.name for tumour_type in item.tumour_types.all()]
