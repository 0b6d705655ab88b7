"""The case folder's documents: type checked by content, size limited, served privately."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases import services
from cases.models import AuditEntry, CaseDocument
from tests.cases.helpers import make_case
from tests.factories import user_in

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def upload(client, case, name, content):
    return client.post(
        reverse("cases:document_upload", args=[case.pk]),
        {"file": SimpleUploadedFile(name, content)},
    )


def test_an_officer_adds_a_pdf_and_reads_it_back_privately(client, officer_be, settings):
    case = make_case(officer_be)
    services.case_assign(actor=officer_be, case=case, assignee=officer_be)
    client.force_login(officer_be)
    upload(client, case, "reply.pdf", PDF)
    document = CaseDocument.objects.get(case=case)
    assert document.name == "reply.pdf" and "reply" not in document.file.name
    response = client.get(reverse("cases:document_download", args=[case.pk, document.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["Cache-Control"] == "private, no-store"
    assert "attachment" in response["Content-Disposition"]
    assert AuditEntry.objects.filter(case=case, detail__startswith="opened document").exists()
    # Other countries and no-role users: 404.
    for outsider in (user_in("DE", "officer"), user_in("BE")):
        client.force_login(outsider)
        url = reverse("cases:document_download", args=[case.pk, document.pk])
        assert client.get(url).status_code == 404
    # Not reachable under the media URL either (only images are served in DEBUG).
    client.force_login(officer_be)
    direct = client.get(settings.MEDIA_URL + document.file.name, follow=True)
    assert direct.status_code == 404 and b"%PDF" not in direct.content


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("evil.exe", b"MZ....", "Only PDF, Word"),
        ("fake.pdf", b"<html>not a pdf</html>", "not a PDF"),
        ("fake.png", b"GIF89a....", "not a PNG"),
        ("binary.txt", b"\xff\xfe\x00\x00bad", "not UTF-8"),
        ("empty.pdf", b"", "empty"),
    ],
)
def test_wrong_types_are_refused_with_a_message(client, officer_be, name, content, message):
    case = make_case(officer_be)
    client.force_login(officer_be)
    response = upload(client, case, name, content)
    assert response.status_code == 302
    page = client.get(response["Location"], follow=True)
    assert message in page.content.decode()
    assert not CaseDocument.objects.exists()


def test_an_oversize_file_is_refused(client, officer_be, settings):
    settings.CASES_MAX_UPLOAD_MB = 1
    case = make_case(officer_be)
    client.force_login(officer_be)
    upload(client, case, "big.pdf", PDF + b"0" * (1024 * 1024))
    assert not CaseDocument.objects.exists()
