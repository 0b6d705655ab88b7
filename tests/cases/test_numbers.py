"""Registration numbers: format, check digit, typo-tolerant lookup, concurrency."""

import threading

import pytest
from django.db import OperationalError, connection
from django.urls import reverse

from cases import numbers
from cases.models import Case
from tests.cases.helpers import make_case
from tests.factories import user_in


def test_the_number_has_country_year_counter_and_check_digit():
    number = numbers.format_number("BE", 2026, 42)
    assert number.startswith("BE-2026-000042-")
    assert numbers.NUMBER_RE.match(number)
    assert numbers.canonical(number) == number
    assert numbers.canonical("be 2026 000042 " + number[-1]) == number  # as typed


def test_the_check_digit_rejects_every_single_slip_and_neighbour_swap():
    number = numbers.format_number("DE", 2026, 123456)
    body, digit = number[:-1], number[-1]
    digits = number[3:].replace("-", "")
    for index, original in enumerate(digits):
        for other in "0123456789":
            if other != original:
                typo = digits[:index] + other + digits[index + 1 :]
                assert numbers.canonical(_as_number("DE", typo)) is None, typo
        if index + 1 < len(digits) and digits[index] != digits[index + 1]:
            swapped = digits[:index] + digits[index + 1] + digits[index] + digits[index + 2 :]
            assert numbers.canonical(_as_number("DE", swapped)) is None, swapped
    assert numbers.canonical(body + digit) == number


def _as_number(code, digits):
    return f"{code}-{digits[:4]}-{digits[4:10]}-{digits[10:]}"


@pytest.mark.django_db
def test_counters_run_per_country_and_year(officer_be, officer_de):
    first, second = make_case(officer_be), make_case(officer_be)
    german = make_case(officer_de)
    assert first.number.startswith("BE-2026-000001-")
    assert second.number.startswith("BE-2026-000002-")
    assert german.number.startswith("DE-2026-000001-")


@pytest.mark.django_db
def test_lookup_opens_the_case_and_answers_a_typo_with_suggestions(client, officer_be):
    case = make_case(officer_be)
    client.force_login(officer_be)
    response = client.get(reverse("cases:case_lookup"), {"number": case.number.lower()})
    assert response.status_code == 302 and response["Location"] == case.get_absolute_url()
    # One digit of the counter mistyped: the check digit rejects it, the case is suggested.
    typo = case.number[:12] + "7" + case.number[13:]
    assert numbers.canonical(typo) is None
    response = client.get(reverse("cases:case_lookup"), {"number": typo})
    assert response.status_code == 404
    body = response.content.decode()
    assert "not a valid registration number" in body
    assert case.get_absolute_url() in body
    # Another country's officer gets no suggestion of BE's case.
    client.force_login(user_in("DE", "officer"))
    response = client.get(reverse("cases:case_lookup"), {"number": typo})
    assert case.number not in response.content.decode()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_registrations_get_distinct_consecutive_numbers():
    """Threads with their own connections register at once: every case gets its own number,
    and the counter has no gap."""
    officers = [user_in("BE", "officer") for _ in range(6)]
    barrier = threading.Barrier(len(officers))
    errors = []

    def register(officer):
        try:
            barrier.wait(5)
            for _attempt in range(300):
                try:
                    make_case(officer)
                    return
                except OperationalError:  # shared-cache SQLite: the table is locked, retry
                    threading.Event().wait(0.01)
            errors.append("gave up")
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=register, args=(o,)) for o in officers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    sequences = sorted(Case.objects.filter(country__code="BE").values_list("sequence", flat=True))
    assert sequences == [1, 2, 3, 4, 5, 6]
    assert len(set(Case.objects.values_list("number", flat=True))) == 6
