from datetime import UTC, datetime

import pytest

from pipelines.cost import CostPipeline, money
from tests.kit import Stats

NOW = datetime(2027, 1, 10, 14, 15, tzinfo=UTC)


def cost(stats=None, **kwargs):
    item = {
        "source": "demo",
        "timezone": "America/Chicago",
        "country": "US",
        "title": "Spring Job Fair",
        "start": "2027-03-04T18:30:00-06:00",
    }
    item.update(kwargs)
    item = CostPipeline(now=NOW, stats=stats if stats is not None else Stats()).process_item(item)
    return item["is_free"], item["price_min"], item["price_max"], item["currency"]


@pytest.mark.parametrize(
    "extra, expected",
    [
        # schema.org offers as the schemaorg extractor writes them
        ({"price_min": "15", "price_max": "15", "currency": "USD"}, (0, 15.0, 15.0, "USD")),
        ({"price_min": "10.00", "price_max": "25.00", "currency": "usd"}, (0, 10.0, 25.0, "USD")),
        ({"price_min": "0", "price_max": "0", "currency": "USD"}, (1, 0.0, 0.0, "USD")),
        ({"is_free": "true"}, (1, 0.0, 0.0, None)),
        ({"is_free": "https://schema.org/True"}, (1, 0.0, 0.0, None)),
        ({"is_free": "False", "price_min": "$1,200.50"}, (0, 1200.5, 1200.5, "USD")),
        ({"price_min": "25,50 €"}, (0, 25.5, 25.5, "EUR")),
        ({"price_min": "-5"}, (None, None, None, None)),
        # The Events Calendar: cost text as published in price_min, currency symbol
        ({"price_min": "$25 members / $40 non-members", "currency": "$"}, (0, 25.0, 40.0, "USD")),
        ({"price_min": "$10 – $15", "currency": "USD"}, (0, 10.0, 15.0, "USD")),
        ({"price_min": "15", "currency": "$", "country": "CA"}, (0, 15.0, 15.0, "CAD")),
        # structured values win over the text
        ({"price_min": "20", "currency": "USD", "description": "Free and open to the public."}, (0, 20.0, 20.0, "USD")),
    ],
)
def test_structured(extra, expected):
    assert cost(**extra) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Free", (1, 0.0, 0.0, None)),
        ("FREE!", (1, 0.0, 0.0, None)),
        ("Free admission", (1, 0.0, 0.0, None)),
        ("No cost", (1, 0.0, 0.0, None)),
        ("Free for members, $15 for guests", (0, 0.0, 15.0, "USD")),
        ("$25 members / $40 non-members", (0, 25.0, 40.0, "USD")),
        ("€10", (0, 10.0, 10.0, "EUR")),
        ("Cost: $15", (0, 15.0, 15.0, "USD")),
        ("$10 advance/$15 door", (0, 10.0, 15.0, "USD")),
        ("15 EUR", (0, 15.0, 15.0, "EUR")),
        ("£5 on the door", (0, 5.0, 5.0, "GBP")),
        ("CA$20", (0, 20.0, 20.0, "CAD")),
        ("$1,250.00 full conference pass", (0, 1250.0, 1250.0, "USD")),
        ("15", (0, 15.0, 15.0, None)),
    ],
)
def test_cost_text(text, expected):
    assert cost(cost_text=text) == expected


@pytest.mark.parametrize(
    "title, expected",
    [
        ("FREE Resume Workshop", (1, 0.0, 0.0, None)),
        ("Free Job Fair for Veterans", (1, 0.0, 0.0, None)),
        ("Networking Lunch ($15)", (0, 15.0, 15.0, "USD")),
        ("Job Fair - Free Parking", (None, None, None, None)),
        ("Career Day with Free Ice Cream", (None, None, None, None)),
        ("Job Fair: Free Headshots & Resume Reviews", (None, None, None, None)),
        ("Freelancing 101", (None, None, None, None)),
        ("Spring Job Fair", (None, None, None, None)),
    ],
)
def test_title(title, expected):
    assert cost(title=title) == expected


@pytest.mark.parametrize(
    "description, expected",
    [
        ("This event is free and open to the public.", (1, 0.0, 0.0, None)),
        ("Admission is free. Bring 20 copies of your resume.", (1, 0.0, 0.0, None)),
        ("There is no cost to attend.", (1, 0.0, 0.0, None)),
        ("Cost: $15. Parking is free.", (0, 15.0, 15.0, "USD")),
        ("Tickets are $35 in advance and $45 at the door.", (0, 35.0, 45.0, "USD")),
        ("Free for members; non-members $10.", (0, 0.0, 10.0, "USD")),
        ("Registration: $20 for members. Employers offer salaries up to $80,000.", (0, 20.0, 20.0, "USD")),
        # not the event's cost
        (
            "Free parking is available behind the building. Free ice cream for everyone who stops by!",
            (None, None, None, None),
        ),
        ("Positions paying $18/hour and up. Sign-on bonuses of $1,000.", (None, None, None, None)),
        ("Meet employers with openings from $45K to $60K.", (None, None, None, None)),
        ("We raised $5,000 for scholarships last year.", (None, None, None, None)),
        ("Room 101, 2027 Main St. Doors open at 5:30.", (None, None, None, None)),
        ("Over 40 employers hiring at $18/hour. This event is free and open to the public.", (1, 0.0, 0.0, None)),
    ],
)
def test_description(description, expected):
    assert cost(description=description) == expected


def test_cost_text_before_title_before_description():
    stats = Stats()
    assert cost(stats, cost_text="$30", title="FREE Networking Night", description="Free and open to the public.") == (
        0,
        30.0,
        30.0,
        "USD",
    )
    assert cost(stats, title="FREE Networking Night", description="Tickets $30 at the door.") == (1, 0.0, 0.0, None)
    assert stats == {"eventhound/cost/from_cost": 1, "eventhound/cost/from_title": 1}


def test_money_reads_every_amount_with_price_parser():
    assert money("$1,200.50 or €1.200,50") == ([1200.5, 1200.5], "USD")
    assert money("USD 30 / 45 USD") == ([30.0, 45.0], "USD")
    assert money("$18/hour") == ([], None)
    assert money("Room 101") == ([], None)
    assert money("10 or 15", bare=True) == ([10.0, 15.0], None)
