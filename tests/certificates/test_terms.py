"""Certificate terms: calendar months clamp to the month's end; status and reviews from dates."""

import datetime as dt

from app.certificates.terms import add_months, review_due, status_of

D = dt.date


def test_adding_months_clamps_to_the_end_of_a_shorter_month() -> None:
    assert add_months(D(2026, 1, 31), 1) == D(2026, 2, 28)
    assert add_months(D(2027, 1, 31), 13) == D(2028, 2, 29)
    assert add_months(D(2028, 2, 29), 12) == D(2029, 2, 28)
    assert add_months(D(2026, 8, 31), 36) == D(2029, 8, 31)
    assert add_months(D(2026, 11, 30), 3) == D(2027, 2, 28)


def test_adding_months_crosses_years() -> None:
    assert add_months(D(2026, 11, 22), 12) == D(2027, 11, 22)
    assert add_months(D(2026, 12, 15), 1) == D(2027, 1, 15)


def test_status_comes_from_dates_unless_revoked() -> None:
    today = D(2026, 11, 22)
    assert status_of(D(2026, 11, 23), None, today) == "valid"
    assert status_of(D(2026, 11, 22), None, today) == "expired"
    assert status_of(D(2030, 1, 1), dt.datetime(2026, 1, 1, tzinfo=dt.UTC), today) == "revoked"


def _cert(n: int, review: dt.date, expires: dt.date, revoked: object = None) -> dict[str, object]:
    return {
        "id": f"c{n}",
        "organisation_name": f"Org {n}",
        "award_label": "Accredited",
        "review_due_on": review,
        "expires_on": expires,
        "revoked_at": revoked,
    }


def test_reviews_due_lists_current_certificates_due_soon_soonest_first() -> None:
    today = D(2026, 11, 22)
    due = review_due(
        [
            _cert(1, D(2027, 1, 10), D(2029, 1, 10)),  # due within 90 days
            _cert(2, D(2026, 10, 1), D(2029, 10, 1)),  # overdue
            _cert(3, D(2027, 6, 1), D(2029, 6, 1)),  # not yet
            _cert(
                4, D(2026, 12, 1), D(2029, 12, 1), revoked=dt.datetime(2026, 5, 1, tzinfo=dt.UTC)
            ),
            _cert(5, D(2026, 1, 1), D(2026, 11, 1)),  # expired
        ],
        today,
    )
    assert [(r.certificate_id, r.overdue) for r in due] == [("c2", True), ("c1", False)]
