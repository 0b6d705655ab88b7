"""Small helpers shared by test modules."""

from bs4 import BeautifulSoup


def soup_of(response):
    """The response's HTML, parsed: assert on structure, not on strings."""
    return BeautifulSoup(response.content, "html.parser")
