"""Who may replace or delete a document: the national editors of the country whose collection
holds it (fact-sheet documents live in their country's collection), the Presidency for its
collection, trainers for theirs, the uploader for their own uploads, and administrators.
Broad roles may upload and choose documents anywhere, but not change other people's."""

import pytest
from django.core.files.base import ContentFile
from wagtail.documents.models import Document
from wagtail.models import Collection

from tests.factories import admin_user, user_in
from tests.helpers import assert_admin_permission_denied
from tests.knowledge.test_extraction_search import pdf_bytes

pytestmark = pytest.mark.django_db


def collection(name):
    return Collection.objects.get(name=name)


def document_in(collection_name, title="Police Act (DE)", uploaded_by=None):
    document = Document(
        title=title, collection=collection(collection_name), uploaded_by_user=uploaded_by
    )
    document.file.save("police-act.pdf", ContentFile(pdf_bytes("Polizeigesetz")), save=False)
    document.save()
    return document


def replace(client, document, title="Replaced"):
    return client.post(
        f"/admin/documents/edit/{document.pk}/",
        {
            "title": title,
            "collection": document.collection_id,
            "file": ContentFile(pdf_bytes("forged text"), name="forged.pdf"),
            "tags": "",
        },
    )


def delete(client, document):
    return client.post(f"/admin/documents/delete/{document.pk}/")


def test_each_country_and_the_presidency_and_training_have_a_collection():
    countries = collection("Countries")
    assert collection("Germany").get_parent() == countries
    assert collection("Belgium").get_parent() == countries
    assert collection("Presidency").get_parent().is_root()
    assert collection("Training").get_parent().is_root()


def test_another_countrys_editor_cannot_replace_or_delete_its_legal_basis_pdf(client):
    german_pdf = document_in("Germany", uploaded_by=user_in("DE", "editor"))
    client.force_login(user_in("BE", "editor"))

    assert_admin_permission_denied(replace(client, german_pdf))
    assert_admin_permission_denied(delete(client, german_pdf))
    assert_admin_permission_denied(client.get(f"/admin/documents/edit/{german_pdf.pk}/"))

    german_pdf.refresh_from_db()
    assert german_pdf.title == "Police Act (DE)"
    assert german_pdf.file.name.endswith("police-act.pdf")
    # the admin's document list does not offer it for editing either
    listing = client.get("/admin/documents/")
    assert f"/admin/documents/edit/{german_pdf.pk}/" not in listing.content.decode()


@pytest.mark.parametrize("role", ["trainer", "presidency", "presidency_approver"])
def test_broad_roles_cannot_change_a_countrys_documents(client, role):
    german_pdf = document_in("Germany", uploaded_by=user_in("DE", "editor"))
    client.force_login(user_in("IE", role))
    delete(client, german_pdf)
    assert Document.objects.filter(pk=german_pdf.pk).exists()


def test_the_countrys_own_editor_replaces_it(client):
    german_pdf = document_in("Germany", uploaded_by=admin_user())
    client.force_login(user_in("DE", "editor"))
    response = replace(client, german_pdf, title="Police Act (DE), 2027 edition")
    assert response.status_code == 302
    german_pdf.refresh_from_db()
    assert german_pdf.title == "Police Act (DE), 2027 edition"


def test_uploaders_edit_their_own_uploads_and_owners_of_a_collection_theirs(client):
    trainer = user_in("FR", "trainer")
    own = document_in("Countries", title="Own upload", uploaded_by=trainer)
    syllabus = document_in("Training", title="SIENA syllabus", uploaded_by=admin_user())
    presidency_note = document_in("Presidency", title="Agenda note", uploaded_by=admin_user())
    client.force_login(trainer)
    assert replace(client, own, title="Own upload v2").status_code == 302
    assert replace(client, syllabus, title="SIENA syllabus v2").status_code == 302
    delete(client, presidency_note)
    assert Document.objects.filter(pk=presidency_note.pk).exists()
    own.refresh_from_db()
    syllabus.refresh_from_db()
    assert (own.title, syllabus.title) == ("Own upload v2", "SIENA syllabus v2")


def test_broad_roles_can_still_upload(client):
    client.force_login(user_in("BE", "editor"))
    response = client.post(
        "/admin/documents/add/",
        {
            "title": "Circular",
            "collection": collection("Belgium").pk,
            "file": ContentFile(pdf_bytes("Belgian circular"), name="circular.pdf"),
            "tags": "",
        },
    )
    assert response.status_code == 302
    assert Document.objects.get(title="Circular").collection == collection("Belgium")
