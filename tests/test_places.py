"""eventhound.places (address splitting, the offline gazetteer, distances) and the place pipelines."""

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from eventhound.places import (
    Address,
    Gazetteer,
    bounding_box,
    gazetteer,
    haversine_km,
    is_online_text,
    load_cities,
    normalize_name,
    parse_address,
)
from pipelines.locate import AddressPipeline, GeocodePipeline, PlaceZonePipeline
from tests.kit import Stats

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "places"
NOW = datetime(2027, 1, 10, 14, 15, tzinfo=UTC)

# text -> (venue_name, street, city, region, postal_code, country)
ADDRESSES = {
    "1910 Carnegie Avenue, Cleveland, OH 44115": (None, "1910 Carnegie Avenue", "Cleveland", "OH", "44115", "US"),
    "Hilton Springfield, Lincoln Room, 700 E Adams St, Springfield, IL 62701": (
        "Hilton Springfield, Lincoln Room",
        "700 E Adams St",
        "Springfield",
        "IL",
        "62701",
        "US",
    ),
    "City Hall, Room 201": ("City Hall, Room 201", None, None, None, None, None),
    "Riverhead Free Library": ("Riverhead Free Library", None, None, None, None, None),
    "Springfield, IL": (None, None, "Springfield", "IL", None, "US"),
    "Cleveland, Ohio": (None, None, "Cleveland", "OH", None, "US"),
    "123 Main St., Suite 200, Riverhead, NY 11901, USA": (
        None,
        "123 Main St., Suite 200",
        "Riverhead",
        "NY",
        "11901",
        "US",
    ),
    "Toronto Reference Library, 789 Yonge St, Toronto, ON M4W 2G8, Canada": (
        "Toronto Reference Library",
        "789 Yonge St",
        "Toronto",
        "ON",
        "M4W 2G8",
        "CA",
    ),
    "Public Library - 200 Main St - Springfield IL 62701": (
        "Public Library",
        "200 Main St",
        "Springfield",
        "IL",
        "62701",
        "US",
    ),
    "Cleveland OH 44115": (None, None, "Cleveland", "OH", "44115", "US"),
    "Springfield, IL, 62701": (None, None, "Springfield", "IL", "62701", "US"),
    "Room 5, 12 Elm St": ("Room 5", "12 Elm St", None, None, None, None),
    "Workforce Center; 55 W. Market Street; Akron, OH 44308-1234": (
        "Workforce Center",
        "55 W. Market Street",
        "Akron",
        "OH",
        "44308-1234",
        "US",
    ),
    "Hamilton Convention Centre, 1 Summers Lane, Hamilton, Ontario L8P4Y2": (
        "Hamilton Convention Centre",
        "1 Summers Lane",
        "Hamilton",
        "ON",
        "L8P 4Y2",
        "CA",
    ),
    "  Bldg 4,  600 Grand  Ave,\n Des Moines, IA 50309 ": (
        "Bldg 4",
        "600 Grand Ave",
        "Des Moines",
        "IA",
        "50309",
        "US",
    ),
    "Moriches Community Center, 31 Pine St, Center Moriches, NY": (
        "Moriches Community Center",
        "31 Pine St",
        "Center Moriches",
        "NY",
        None,
        "US",
    ),
}


@pytest.mark.parametrize("text", list(ADDRESSES))
def test_parse_address(text):
    address = parse_address(text)
    got = (address.venue_name, address.street, address.city, address.region, address.postal_code, address.country)
    assert got == ADDRESSES[text]
    assert address.online is False


# The last part of an address that is read as its country: text -> (country, the parts left as venue/street)
TRAILING_COUNTRIES = {
    "Springfield, IL, USA": ("US", None),
    "Springfield, IL, U.S.A.": ("US", None),
    "Springfield, IL, U.S.": ("US", None),
    "Springfield, IL, US": ("US", None),
    "Springfield, IL, usa.": ("US", None),
    "Springfield, IL 62701, United States": ("US", None),
    "Springfield, IL,  united  states": ("US", None),
    "Springfield, IL, United States of America": ("US", None),
    "Toronto, ON, Canada": ("CA", None),
    "Toronto, ON, Canada.": ("CA", None),
    "Toronto, Canada": ("CA", "Toronto"),
    # two-letter parts are states and provinces, not countries
    "Indianapolis, IN": ("US", None),
    "Los Angeles, CA": ("US", None),
    # any country named in places.COUNTRY_NAMES, and UK
    "Springfield, IL, America": ("US", None),
    "Convention Center, UK": ("GB", "Convention Center"),
    "ExCeL London, 1 Western Gateway, London, United Kingdom": ("GB", "ExCeL London, 1 Western Gateway, London"),
    "Dublin, Ireland": ("IE", "Dublin"),
    "Messe Berlin, Messedamm 22, 14055 Berlin, Germany": ("DE", "Messe Berlin, Messedamm 22, 14055 Berlin"),
    # but not other short codes: there they are abbreviations ("Ind." is Indiana)
    "Fort Wayne, Ind.": (None, "Fort Wayne, Ind."),
    "Ottawa, Can": (None, "Ottawa, Can"),
    "Springfield, IL, USA, Earth": (None, "Springfield, IL, USA, Earth"),
}


@pytest.mark.parametrize("text", list(TRAILING_COUNTRIES))
def test_trailing_country_of_an_address(text):
    address = parse_address(text)
    rest = ", ".join(p for p in (address.venue_name, address.street) if p) or None
    assert (address.country, rest) == TRAILING_COUNTRIES[text]


@pytest.mark.parametrize(
    "text", ["Online", "Zoom", "virtual event", "Microsoft Teams", "https://zoom.us/j/123456", "Webinar", "ONLINE ONLY"]
)
def test_online_locations(text):
    assert is_online_text(text)
    assert parse_address(text) == Address(venue_name=" ".join(text.split()), online=True)


def test_not_online_and_empty():
    assert not is_online_text("Zoom Room, City Hall")
    assert not is_online_text("Online Learning Center, 10 Main St, Akron, OH")
    assert parse_address("") == Address()
    assert parse_address(None) == Address()


def test_normalize_name():
    assert normalize_name("Saint-Jérôme") == normalize_name("St. Jerome") == "st jerome"
    assert normalize_name("Ft. Worth") == "fort worth"
    assert normalize_name("Mt. Vernon") == "mount vernon"
    assert normalize_name("Coeur d'Alene") == "coeur dalene"


# --- gazetteer ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small():
    return Gazetteer(load_cities(FIXTURES / "cities.json"))


def test_fixture_gazetteer_ambiguity(small):
    assert small.lookup("Springfield", "IL").latitude == 39.80172
    assert small.lookup("Springfield", "MO", "US").longitude == -93.29824
    assert small.lookup("springfield", "Massachusetts").timezone == "America/New_York"
    assert small.lookup("Springfield", None, "US").region == "MO"  # the most populous
    assert small.lookup("Springfield", "VT") is None  # a region given and not matched: no guess
    assert small.lookup("Springfield", None, "AU") is None  # "Springfield Lakes" is another name
    assert small.lookup("London").country == "GB"
    assert small.lookup("London", "ON").country == "CA"
    assert small.lookup("London", None, "ca").timezone == "America/Toronto"
    assert small.lookup("Saint Louis", None, "US").name == "St. Louis"
    assert small.lookup("Montreal", "QC").name == "Montréal"
    assert small.lookup("New York", "NY").name == "New York City"
    assert small.lookup("Gotham") is None
    assert small.lookup("") is None


def test_bundled_gazetteer():
    places = gazetteer()
    assert places is gazetteer()  # loaded once
    il, mo, ma = (places.lookup("Springfield", state) for state in ("IL", "MO", "MA"))
    assert (il.region, mo.region, ma.region) == ("IL", "MO", "MA")
    assert round(il.latitude, 1) == 39.8 and round(il.longitude, 1) == -89.6
    assert ma.timezone == "America/New_York" and il.timezone == "America/Chicago"
    cleveland = places.lookup("Cleveland", "OH", "US")
    assert (round(cleveland.latitude, 2), round(cleveland.longitude, 2)) == (41.5, -81.7)
    assert places.lookup("Cleveland", "TN").timezone == "America/New_York"  # eastern Tennessee
    assert places.lookup("Memphis", "TN").timezone == "America/Chicago"
    assert places.lookup("Toronto", "ON").timezone == "America/Toronto"
    assert places.lookup("Center Moriches", "NY") is not None  # a town of ~7,500: cities5000


# --- distances ---------------------------------------------------------------------------


def test_haversine():
    assert haversine_km(41.4995, -81.6954, 41.4995, -81.6954) == 0
    # Cleveland - Akron ~ 30 miles as the crow flies; Springfield IL - Springfield MO ~ 429 km; 1° of latitude ~ 111.2 km
    assert haversine_km(41.4995, -81.6954, 41.0814, -81.5190) == pytest.approx(48.77, abs=0.05)
    assert 425 < haversine_km(39.80172, -89.64371, 37.21533, -93.29824) < 432
    assert haversine_km(0, 0, 1, 0) == pytest.approx(111.195, abs=0.01)
    assert haversine_km(0, 179.5, 0, -179.5) == pytest.approx(111.195, abs=0.01)  # across the antimeridian


def test_bounding_box_holds_the_circle():
    min_lat, max_lat, min_lon, max_lon = bounding_box(41.4995, -81.6954, 40)
    assert max_lat - 41.4995 == pytest.approx(40 / 111.195, rel=1e-3)
    assert min_lat < 41.4995 < max_lat and min_lon < -81.6954 < max_lon
    # points 39.9 km away in every direction are inside the box
    for bearing_lat, bearing_lon in ((1, 0), (-1, 0), (0, 1), (0, -1)):
        lat = 41.4995 + bearing_lat * 39.9 / 111.195
        lon = -81.6954 + bearing_lon * 39.9 / (111.195 * 0.7494)
        assert haversine_km(41.4995, -81.6954, lat, lon) < 40.1
        assert min_lat <= lat <= max_lat and min_lon <= lon <= max_lon
    assert bounding_box(89.9, 0, 50)[2:] == (-180.0, 180.0)  # near a pole: every longitude
    assert bounding_box(0, 179.9, 50)[2:] == (-180.0, 180.0)  # across the antimeridian


# --- AddressPipeline, PlaceZonePipeline, GeocodePipeline ----------------------------------


def locate(**item):
    """The three place steps in crawl order (the dates step between them does not touch places)."""
    stats = Stats()
    for step in (AddressPipeline, PlaceZonePipeline, GeocodePipeline):
        item = step(now=NOW, stats=stats).process_item(item)
    return item, stats


def test_pipeline_splits_venue_string_and_geocodes():
    item, stats = locate(
        venue_name="Hilton Springfield, Lincoln Room, 700 E Adams St, Springfield, IL 62701",
        country="US",
        region="MO",
        timezone="America/Chicago",
    )
    assert (item["venue_name"], item["street"], item["city"], item["region"], item["postal_code"]) == (
        "Hilton Springfield, Lincoln Room",
        "700 E Adams St",
        "Springfield",
        "IL",
        "62701",
    )
    assert (round(item["latitude"], 2), round(item["longitude"], 2)) == (39.8, -89.64)
    assert item["timezone"] == "America/Chicago"
    assert stats == {"eventhound/locate/split": 1, "eventhound/locate/geocoded": 1}


def test_pipeline_splits_street_string_and_keeps_given_coordinates():
    item, _ = locate(
        venue_name="Tri-C Metro Campus",
        street="1910 Carnegie Avenue, Cleveland, OH 44115",
        latitude="41.5012",
        longitude="-81.6745",
        timezone="America/New_York",
    )
    assert (item["venue_name"], item["street"], item["city"], item["country"]) == (
        "Tri-C Metro Campus",
        "1910 Carnegie Avenue",
        "Cleveland",
        "US",
    )
    assert (item["latitude"], item["longitude"]) == ("41.5012", "-81.6745")  # the event's own, kept


def test_pipeline_structured_address_uses_region_then_country():
    item, _ = locate(city="Springfield", region="MA", country="US", timezone="America/New_York")
    assert round(item["longitude"], 1) == -72.6
    item, stats = locate(city="Springfield", region="VT", country="US", timezone="America/New_York")
    assert item.get("latitude") is None and stats["eventhound/locate/not_found"] == 1


@pytest.mark.parametrize("country", ["US", "United States", "USA", "United States of America", "Atlantis"])
def test_pipeline_country_as_written_by_publishers(country):
    # The Events Calendar writes addressCountry "United States"; a country not known filters nothing
    item, stats = locate(city="St. Louis", region="MO", country=country, timezone="America/Chicago")
    assert round(item["latitude"], 1) == 38.6 and stats["eventhound/locate/geocoded"] == 1


def test_gazetteer_country_filters_by_name_too(small):
    assert small.lookup("London", country="United Kingdom").country == "GB"
    assert small.lookup("London", country="Canada").country == "CA"


def test_pipeline_city_zone_when_no_source_zone():
    item = {
        "title": "Job Fair",
        "timezone": "UTC",
        "start_text": "2027-03-04T18:30",
        "end_text": "2027-03-04T20:00",
        "venue_name": "1910 Carnegie Avenue, Cleveland, OH 44115",
        "_languages": ("en",),
    }
    from pipelines.dates import NormalizeDatesPipeline

    assert NormalizeDatesPipeline(now=NOW, stats=Stats()).process_item(dict(item))["start_utc"] == (
        "2027-03-04T18:30:00+00:00"
    )  # read without a place: UTC
    stats = Stats()
    for step in (AddressPipeline, PlaceZonePipeline, NormalizeDatesPipeline, GeocodePipeline):
        item = step(now=NOW, stats=stats).process_item(item)
    assert stats["eventhound/locate/timezone"] == 1
    assert item["timezone"] == "America/New_York"
    assert item["start"] == "2027-03-04T18:30:00-05:00"
    assert item["start_utc"] == "2027-03-04T23:30:00+00:00"
    assert item["end_utc"] == "2027-03-05T01:00:00+00:00"


def test_pipeline_source_zone_wins():
    item, _ = locate(city="Cleveland", region="OH", timezone="America/Chicago", start="2027-03-04T18:30:00-06:00")
    assert item["timezone"] == "America/Chicago" and item["start"] == "2027-03-04T18:30:00-06:00"


@pytest.mark.parametrize(
    "item",
    [
        {"venue_name": "Zoom", "city": None},
        {"venue_name": "Online", "country": "US", "region": "OH"},
        {"city": "Cleveland", "region": "OH", "attendance": "online"},
        {"city": "Cleveland", "region": "OH", "attendance_mode": "https://schema.org/OnlineEventAttendanceMode"},
    ],
)
def test_pipeline_online_only_gets_no_coordinates(item):
    item, stats = locate(timezone="UTC", **item)
    assert item.get("latitude") is None and item.get("longitude") is None
    assert item["timezone"] == "UTC"
    assert stats == {"eventhound/locate/online": 1}


def test_pipeline_hybrid_is_placed():
    item, _ = locate(city="Cleveland", region="OH", attendance="hybrid", timezone="America/New_York")
    assert round(item["latitude"], 1) == 41.5


def test_pipeline_unsplittable_venue_kept():
    item, stats = locate(venue_name="City Hall, Room 201", country="US", region="IL", timezone="America/Chicago")
    assert item["venue_name"] == "City Hall, Room 201" and item.get("city") is None
    assert item.get("latitude") is None and not stats


def test_gazetteer_copy_round_trip(tmp_path, small):
    from eventhound.places import StoredGazetteer, write_gazetteer

    cities = load_cities(FIXTURES / "cities.json")
    path = tmp_path / "eventhound" / "gazetteer.sqlite"
    write_gazetteer(path, cities)
    stored = StoredGazetteer(path)
    assert stored.candidates("springfield") == small.candidates("springfield")  # largest first
    assert stored.candidates("springfield")[0].population >= stored.candidates("springfield")[-1].population
    for query in [("Springfield", "MA"), ("Montreal",), ("St. Louis", "MO"), ("Nowhere",)]:
        assert stored.lookup(*query) == small.lookup(*query)
    write_gazetteer(path, cities)  # rewriting replaces the file whole
    assert StoredGazetteer(path).lookup("Montreal") == small.lookup("Montreal")
    with sqlite3.connect(path) as conn:
        conn.execute("DELETE FROM cities WHERE rowid = 1")  # a damaged copy is not used
    with pytest.raises(ValueError):
        StoredGazetteer(path)
    (tmp_path / "junk.sqlite").write_text("not a database")
    with pytest.raises(ValueError):
        StoredGazetteer(tmp_path / "junk.sqlite")
