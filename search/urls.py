"""The /search/ page. portal/urls.py includes these inside its `portal` namespace, so the name
stays `portal:search` (and the rate limits find the URL name `search`, portal.ratelimits);
the JSON API is mounted on portal.api by wagtail_hooks."""

from django.urls import path

from search import views

urlpatterns = [
    path("", views.search, name="search"),
]
