"""The updates index (/updates/) and update pages, with their attached documents."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.documents import get_document_model
from wagtail.models import Collection

from portal.models import UpdateDocument
from tests.factories import make_update, user_in

pytestmark = pytest.mark.django_db

Document = get_document_model()
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"



def titles(response):
    soup = BeautifulSoup(response.content, "html.parser")
    return [a.get_text(strip=True) for a in soup.select("main .item-list .item-title a")]


@pytest.fixture
def member_client(client):
    client.force_login(user_in("BE", "officer"))
    return client


def test_index_lists_live_updates_newest_first(member_client):
    make_update("older", "Older update", date=datetime.date(2026, 3, 1))
    make_update("newest", "Newest update", date=datetime.date(2026, 11, 1))
    make_update("middle", "Middle update", date=datetime.date(2026, 7, 1))
    make_update("draft", "Draft update", date=datetime.date(2026, 12, 1), live=False)

    response = member_client.get("/updates/")
    assert response.status_code == 200
    assert titles(response) == ["Newest update", "Middle update", "Older update"]
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.select_one("main a[href='/updates/newest/']") is not None


def test_index_filters_by_audience(member_client):
    make_update("to-network", "For the network", audience="network")
    make_update("to-dapix", "Report to DAPIX", audience="dapix")

    assert titles(member_client.get("/updates/?audience=dapix")) == ["Report to DAPIX"]
    assert titles(member_client.get("/updates/?audience=network")) == ["For the network"]
    soup = BeautifulSoup(member_client.get("/updates/?audience=dapix").content, "html.parser")
    assert soup.select_one("#id_audience option[selected]")["value"] == "dapix"


@pytest.mark.parametrize(
    "query",
    [
        "?audience=bogus",
        "?audience=%00",
        "?audience=<script>",
        "?page=abc",
        "?page=-1",
        "?page=99999",
        "?audience=dapix&audience=network",
    ],
)
def test_bad_filters_never_fail(member_client, query):
    make_update("to-network", "For the network", audience="network")
    response = member_client.get("/updates/" + query)
    assert response.status_code == 200
    assert "<script>" not in response.content.decode().split("<main", 1)[1]


def test_unknown_audience_shows_everything(member_client):
    make_update("to-network", "For the network", audience="network")
    make_update("to-dapix", "Report to DAPIX", audience="dapix", date=datetime.date(2026, 10, 1))
    assert titles(member_client.get("/updates/?audience=bogus")) == [
        "For the network",
        "Report to DAPIX",
    ]


def test_index_paginates_and_keeps_the_filter(member_client):
    base = datetime.date(2026, 1, 1)
    for n in range(25):
        make_update(
            f"dapix-{n:02d}",
            f"DAPIX {n:02d}",
            audience="dapix",
            date=base + datetime.timedelta(days=n),
        )
    make_update("network-only", "Network only", audience="network")

    first = member_client.get("/updates/?audience=dapix")
    assert len(titles(first)) == 20
    assert titles(first)[0] == "DAPIX 24"
    soup = BeautifulSoup(first.content, "html.parser")
    next_link = soup.select_one("nav.pagination a[rel=next]")["href"]
    assert "audience=dapix" in next_link and "page=2" in next_link
    assert "Page 1 of 2" in soup.select_one("nav.pagination").get_text()

    second = member_client.get("/updates/" + next_link)
    assert titles(second) == ["DAPIX 04", "DAPIX 03", "DAPIX 02", "DAPIX 01", "DAPIX 00"]
    assert "Network only" not in titles(second)


def test_index_query_count_does_not_grow_with_updates(member_client):
    make_update("first")
    member_client.get("/")  # the first request of a session records it; not what is measured
    with CaptureQueriesContext(connection) as few:
        assert member_client.get("/updates/").status_code == 200
    for n in range(30):
        make_update(f"many-{n}")
    with CaptureQueriesContext(connection) as many:
        response = member_client.get("/updates/")
    assert len(titles(response)) == 20
    assert len(many) == len(few)
    assert len(many) <= 20, [q["sql"] for q in many.captured_queries]


def test_update_page_shows_its_content(member_client):
    make_update(
        "council",
        "Council conclusions",
        summary="Summary of council.",
        body="<p>Body of council.</p>",
        audience="dapix",
    )
    response = member_client.get("/updates/council/")
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.select_one("main h1").get_text(strip=True) == "Council conclusions"
    text = soup.select_one("main").get_text(" ", strip=True)
    assert "Summary of council." in text
    assert "Body of council." in text
    assert "DAPIX/IXIM working party" in text


def test_drafts_are_not_served(member_client):
    make_update("draft", live=False)
    assert member_client.get("/updates/draft/").status_code == 404


# --- Attached documents -----------------------------------------------------------------


def make_document(title="Council conclusions 2019", name="conclusions.pdf", content=PDF):
    document = Document(title=title, collection=Collection.get_first_root_node())
    document.file.save(name, ContentFile(content), save=False)
    document.save()
    return document


def attach(page, document):
    page.documents.add(UpdateDocument(document=document))
    page.save_revision().publish()
    return page


def test_update_page_links_its_documents_through_the_serve_view(client):
    page = make_update("with-annex", "Update with annex")
    document = make_document()
    attach(page, document)
    member = user_in("DE", "officer")
    client.force_login(member)

    response = client.get("/updates/with-annex/")
    soup = BeautifulSoup(response.content, "html.parser")
    links = [a["href"] for a in soup.select("main article a[href*='conclusions']")]
    assert links == [f"/documents/{document.pk}/{document.filename}"]
    assert "/media/" not in response.content.decode()
    assert "Council conclusions 2019" in soup.select_one("main article").get_text()

    served = client.get(links[0])
    assert served.status_code == 200
    body = b"".join(served.streaming_content) if served.streaming else served.content
    assert body == PDF


def test_documents_are_not_served_to_anonymous_users(client):
    document = make_document()
    response = client.get(f"/documents/{document.pk}/{document.filename}")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    # Nor straight from the media folder, not even to a logged-in user.
    client.force_login(user_in("BE", "officer"))
    assert client.get(f"/media/{document.file.name}").status_code == 404
    assert document.url == f"/documents/{document.pk}/{document.filename}"


def test_update_page_query_count_does_not_grow_with_documents(client):
    page = make_update("many-annexes")
    attach(page, make_document("Annex 0", "annex0.pdf"))
    client.force_login(user_in("BE", "officer"))
    client.get("/")  # the first request of a session records it; not what is measured
    with CaptureQueriesContext(connection) as one:
        client.get("/updates/many-annexes/")
    for n in range(1, 8):
        page.documents.add(UpdateDocument(document=make_document(f"Annex {n}", f"annex{n}.pdf")))
    page.save_revision().publish()
    with CaptureQueriesContext(connection) as eight:
        response = client.get("/updates/many-annexes/")
    assert response.status_code == 200
    links = BeautifulSoup(response.content, "html.parser").select("main article .documents a")
    assert len(links) == 8
    assert len(eight) == len(one)
    assert len(eight) <= 22, [q["sql"] for q in eight.captured_queries]


def upload(client, name, content, title="Upload"):
    return client.post(
        "/admin/documents/add/",
        {
            "title": title,
            "file": SimpleUploadedFile(name, content),
            "collection": Collection.get_first_root_node().pk,
        },
    )


def test_presidency_editor_uploads_a_pdf_in_the_admin(client):
    client.force_login(user_in("IE", "presidency"))
    response = upload(client, "annex.pdf", PDF, title="Annex")
    assert response.status_code == 302
    assert Document.objects.filter(title="Annex").exists()


@pytest.mark.parametrize("name", ["tool.exe", "page.html", "script.js", "image.svg"])
def test_uploads_with_disallowed_extensions_are_rejected(client, name):
    client.force_login(user_in("IE", "presidency"))
    response = upload(client, name, b"MZ\x90\x00 not a document", title="Bad")
    assert response.status_code == 200
    assert not Document.objects.filter(title="Bad").exists()
    errors = " ".join(response.context["form"].errors["file"])
    assert "is not allowed" in errors


def test_oversized_uploads_are_rejected(client, settings):
    settings.WAGTAILDOCS_MAX_UPLOAD_SIZE = 1024
    client.force_login(user_in("IE", "presidency"))
    response = upload(client, "big.pdf", PDF + b"0" * 2048, title="Too big")
    assert response.status_code == 200
    assert not Document.objects.filter(title="Too big").exists()
    assert "too big" in " ".join(response.context["form"].errors["file"])


def test_configured_limits_are_sane(settings):
    assert "exe" not in settings.WAGTAILDOCS_EXTENSIONS
    assert "html" not in settings.WAGTAILDOCS_EXTENSIONS
    assert "pdf" in settings.WAGTAILDOCS_EXTENSIONS
    assert 0 < settings.WAGTAILDOCS_MAX_UPLOAD_SIZE <= 50 * 1024 * 1024
    assert settings.WAGTAILDOCS_SERVE_METHOD == "serve_view"
