"""The needs pages: who sees what, the heads' answer form, the trainers' pooled matrix and
its CSV and PDF exports."""

import csv
import io

import pytest
from pypdf import PdfReader

from portal.models import Country
from tests.factories import user_in
from tests.helpers import soup_of
from tests.training.helpers import make_round, need
from training import services

pytestmark = pytest.mark.django_db


def answer(head, needs_round, topics, **rows):
    services.needs_answers_save(
        actor=head,
        needs_round=needs_round,
        answers={topics[slug].pk: values for slug, values in rows.items()},
    )


def test_every_training_page_needs_a_login(client, open_round):
    for url in (
        "/training/",
        "/training/needs/",
        f"/training/needs/{open_round.pk}/",
        f"/training/needs/{open_round.pk}/matrix.csv",
        f"/training/needs/{open_round.pk}/matrix.pdf",
        "/training/delegates/",
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/"), url


def test_officers_have_no_needs_pages(client, officer_be, open_round):
    client.force_login(officer_be)
    assert client.get("/training/").status_code == 200
    nav = soup_of(client.get("/training/")).select_one("nav[aria-label=Training]")
    assert [a.get_text() for a in nav.select("a")] == [
        "Training",
        "Courses",
        "Annual plan",
        "Trainer pool",
        "Nominations",
    ]
    assert client.get("/training/needs/").status_code == 403
    assert client.get(f"/training/needs/{open_round.pk}/").status_code == 403


def test_heads_see_open_rounds_but_not_drafts(client, head_be, trainer, open_round):
    draft = make_round(trainer, open_it=False, title="Training needs 2028")
    client.force_login(head_be)
    page = soup_of(client.get("/training/needs/"))
    titles = [a.get_text() for a in page.select("#needs-rounds tbody a")]
    assert titles == ["Training needs 2027"]
    assert client.get(f"/training/needs/{draft.pk}/").status_code == 404
    assert not page.select("#needs-round-create")

    client.force_login(trainer)
    page = soup_of(client.get("/training/needs/"))
    assert {a.get_text() for a in page.select("#needs-rounds tbody a")} == {
        "Training needs 2027",
        "Training needs 2028",
    }
    assert page.select("#needs-round-create")


def test_a_trainer_creates_and_opens_a_round(client, trainer, topics):
    client.force_login(trainer)
    response = client.post(
        "/training/needs/new/",
        {
            "title": "Needs 2028",
            "period_start": "2028-01-01",
            "period_end": "2028-12-31",
            "deadline": "2027-03-31",
            "topics": [topics["siena"].pk, topics["languages"].pk],
        },
    )
    assert response.status_code == 302
    detail = response["Location"]
    page = soup_of(client.get(detail))
    assert page.select_one("h1").get_text() == "Needs 2028"
    assert "Draft" in page.select_one(".status-badge").get_text()
    response = client.post(detail + "open/")
    assert response.status_code == 302
    page = soup_of(client.get(detail))
    assert "Open" in page.select_one(".status-badge").get_text()
    headers = [th.get_text() for th in page.select("#matrix-table thead th")]
    assert headers == ["Country", "SIENA", "Languages", "Total"]


def test_bad_round_dates_give_the_form_back_with_messages(client, trainer):
    client.force_login(trainer)
    response = client.post(
        "/training/needs/new/",
        {
            "title": "Needs 2028",
            "period_start": "2028-12-31",
            "period_end": "2028-01-01",
            "deadline": "2020-01-01",
        },
    )
    assert response.status_code == 400
    page = soup_of(response)
    errors = [li.get_text() for li in page.select(".error-summary li")]
    assert "Period to: The period ends before it starts." in errors
    assert "Deadline for answers: The deadline is in the past." in errors
    assert page.select_one("#id_period_end")["aria-invalid"] == "true"


def test_a_head_fills_in_the_needs_table(client, head_be, open_round, topics):
    client.force_login(head_be)
    page = soup_of(client.get(f"/training/needs/{open_round.pk}/"))
    form = page.select_one("#needs-answers")
    rows = form.select("tr.topic-row")
    assert len(rows) == 8
    # Every input has a label naming its topic.
    for control in form.select("input:not([type=hidden]), select, textarea"):
        label = form.select_one(f"label[for={control['id']}]")
        assert label is not None and label.get_text().strip(), control["id"]
    siena = topics["siena"].pk
    response = client.post(
        f"/training/needs/{open_round.pk}/answers/",
        {
            f"staff_count-{siena}": "12",
            f"profile-{siena}": "operator",
            f"level-{siena}": "practitioner",
            f"urgency-{siena}": "high",
            f"comment-{siena}": "New staff",
        },
    )
    assert response.status_code == 302
    page = soup_of(client.get(f"/training/needs/{open_round.pk}/"))
    assert page.select_one(f"#id_staff_count-{siena}")["value"] == "12"
    assert "Answered" in page.select_one("#own-needs .meta").get_text()


def test_an_incomplete_row_is_shown_again_with_its_message(client, head_be, open_round, topics):
    client.force_login(head_be)
    siena = topics["siena"].pk
    response = client.post(
        f"/training/needs/{open_round.pk}/answers/", {f"staff_count-{siena}": "4"}
    )
    assert response.status_code == 400
    page = soup_of(response)
    summary = [li.get_text() for li in page.select(".error-summary li")]
    assert "Profile for SIENA: Choose the staff's profile." in summary
    assert page.select_one(f"#id_staff_count-{siena}")["value"] == "4"
    assert not open_round.answers.exists()


def test_answers_after_the_round_closed_are_refused_with_a_message(
    client, head_be, trainer, open_round, topics
):
    client.force_login(head_be)
    services.needs_round_close(actor=trainer, needs_round=open_round)
    siena = topics["siena"].pk
    response = client.post(
        f"/training/needs/{open_round.pk}/answers/",
        {
            f"staff_count-{siena}": "4",
            f"profile-{siena}": "operator",
            f"level-{siena}": "expert",
            f"urgency-{siena}": "low",
        },
    )
    assert response.status_code == 400
    assert "not open" in soup_of(response).select_one(".messages").get_text()


def test_heads_never_see_the_matrix_or_other_countries_answers(
    client, head_be, head_de, open_round, topics
):
    answer(head_de, open_round, topics, siena=need(30, comment="Secret German plan"))
    client.force_login(head_be)
    response = client.get(f"/training/needs/{open_round.pk}/")
    assert not soup_of(response).select("#needs-matrix")
    assert b"Secret German plan" not in response.content
    for suffix in ("matrix.csv", "answers.csv", "matrix.pdf"):
        assert client.get(f"/training/needs/{open_round.pk}/{suffix}").status_code == 403


def test_the_trainers_matrix_pools_the_answers(
    client, trainer, head_be, head_de, open_round, topics
):
    answer(head_be, open_round, topics, siena=need(12), languages=need(3, urgency="low"))
    answer(head_de, open_round, topics, siena=need(30, level="expert"))
    client.force_login(trainer)
    page = soup_of(client.get(f"/training/needs/{open_round.pk}/"))
    table = page.select_one("#matrix-table")
    topics_order = [th.get_text() for th in table.select("thead th")][1:-1]
    siena_col = topics_order.index("SIENA") + 1
    languages_col = topics_order.index("Languages") + 1

    def row(code):
        cells = table.select_one(f"tr[data-country={code}]").select("td")
        return [c.contents[0].strip() if c.contents else "" for c in cells]

    assert row("BE")[siena_col - 1] == "12"
    assert row("BE")[languages_col - 1] == "3"
    assert row("BE")[-1] == "15"
    assert row("DE")[-1] == "30"
    footer = [td.get_text() for td in table.select("tfoot td")]
    assert footer[siena_col - 1] == "42"
    assert footer[-1] == "45"
    missing = [li.get_text() for li in page.select("#not-answered li")]
    assert len(missing) == Country.objects.count() - 2
    assert "Belgium" not in missing and "France" in missing
    summary = page.select_one("#topic-summary")
    siena_row = [
        tr for tr in summary.select("tbody tr") if tr.select_one("th").get_text() == "SIENA"
    ][0]
    # Countries, awareness, practitioner, expert, high, medium, low, total
    assert [td.get_text() for td in siena_row.select("td")] == [
        "2",
        "0",
        "12",
        "30",
        "42",
        "0",
        "0",
        "42",
    ]


def test_csv_exports(client, trainer, head_be, open_round, topics):
    answer(head_be, open_round, topics, siena=need(12, comment='=HYPERLINK("x")'))
    client.force_login(trainer)
    response = client.get(f"/training/needs/{open_round.pk}/matrix.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Country code", "Country", "Answered", "SIENA"]
    belgium = next(r for r in rows if r[0] == "BE")
    assert belgium[2:4] == ["yes", "12"]
    assert rows[-1][1] == "Total"
    assert len(rows) == Country.objects.count() + 2

    response = client.get(f"/training/needs/{open_round.pk}/answers.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1][:7] == [
        "BE",
        "Belgium",
        "SIENA",
        "12",
        "Operator",
        "Practitioner",
        "High: within 6 months",
    ]
    assert rows[1][7] == '\'=HYPERLINK("x")'  # never a formula in a spreadsheet


def test_pdf_export(client, trainer, head_be, open_round, topics):
    answer(head_be, open_round, topics, siena=need(12))
    client.force_login(trainer)
    response = client.get(f"/training/needs/{open_round.pk}/matrix.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    page = reader.pages[0]
    assert page.mediabox.width > page.mediabox.height  # landscape
    assert "Training needs: Training needs 2027" in text
    assert "1 of 31 countries answered" in text
    assert "Countries that have not answered (30)" in text


def test_the_matrix_query_count_does_not_grow_with_countries_or_answers(
    client, trainer, open_round, topics, django_assert_max_num_queries, django_assert_num_queries
):
    heads = {code: user_in(code, "head") for code in ("BE", "DE", "FR", "NL", "PL", "ES")}
    answer(heads["BE"], open_round, topics, siena=need(1))
    client.force_login(trainer)
    url = f"/training/needs/{open_round.pk}/"
    client.get(url)
    with django_assert_max_num_queries(20) as captured:
        assert client.get(url).status_code == 200
    for head in heads.values():
        answer(head, open_round, topics, **{slug: need(2) for slug in topics})
    with django_assert_num_queries(len(captured)):
        assert client.get(url).status_code == 200
