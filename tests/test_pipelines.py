import json
from datetime import UTC, datetime

import pytest
from scrapy.exceptions import DropItem

from eventhound.db import EVENT_COLUMNS
from pipelines.dates import NormalizeDatesPipeline
from pipelines.identify import IdentifyPipeline, RecordPipeline
from pipelines.validate import ValidatePipeline, clean_text
from tests.kit import Stats, final_record

NOW = datetime(2027, 1, 10, 14, 15, tzinfo=UTC)


def run(pipeline_cls, item, stats=None):
    stats = stats if stats is not None else Stats()
    return pipeline_cls(now=NOW, stats=stats).process_item(item), stats


def raw(**kwargs):
    item = {
        "source": "demo",
        "timezone": "America/Chicago",
        "_languages": ("en",),
        "title": "Spring Job Fair",
        "start_text": "2027-03-04T18:30",
    }
    item.update(kwargs)
    return item


# --- NormalizeDatesPipeline ------------------------------------------------------------


def test_dates_start_and_end():
    item, stats = run(NormalizeDatesPipeline, raw(end_text="2027-03-04T20:00:00-06:00"))
    assert item["start"] == "2027-03-04T18:30:00-06:00"
    assert item["start_utc"] == "2027-03-05T00:30:00+00:00"
    assert item["end"] == "2027-03-04T20:00:00-06:00"
    assert item["end_utc"] == "2027-03-05T02:00:00+00:00"
    assert item["all_day"] is False
    assert item["timezone"] == "America/Chicago"
    assert item["time_text"] == "2027-03-04T18:30 – 2027-03-04T20:00:00-06:00"
    assert not stats


def test_dates_all_day_and_time_text_whitespace():
    item, _ = run(NormalizeDatesPipeline, raw(start_text="  March 3,\n 2027 ", end_text="March 5, 2027"))
    assert (item["start"], item["end"], item["all_day"]) == ("2027-03-03", "2027-03-05", True)
    assert item["start_utc"] == "2027-03-03T06:00:00+00:00"
    assert item["time_text"] == "March 3, 2027 – March 5, 2027"


def test_dates_default_zone_is_utc():
    item = raw()
    del item["timezone"]
    item, _ = run(NormalizeDatesPipeline, item)
    assert item["timezone"] == "UTC"
    assert item["start"] == "2027-03-04T18:30:00+00:00"


def test_dates_end_time_only_is_on_the_start_day():
    item, _ = run(NormalizeDatesPipeline, raw(start_text="March 3, 2027 6:30 PM", end_text="8:30 PM"))
    assert item["end"] == "2027-03-03T20:30:00-06:00"


def test_dates_end_before_start_is_dropped():
    item, stats = run(NormalizeDatesPipeline, raw(end_text="2027-03-03T20:00"))
    assert item["end"] is None and item["end_utc"] is None
    assert item["start"] == "2027-03-04T18:30:00-06:00"
    assert stats["eventhound/dates/end_before_start"] == 1


def test_dates_mixed_date_and_datetime_keep_their_forms():
    item, stats = run(NormalizeDatesPipeline, raw(end_text="2027-03-04"))
    assert item["start"] == "2027-03-04T18:30:00-06:00"
    assert item["end"] == "2027-03-04"
    assert stats["eventhound/dates/end_before_start"] == 0


def test_dates_unparseable_start_and_warnings_counted():
    item, stats = run(NormalizeDatesPipeline, raw(start_text="to be announced"))
    assert item["start"] is None and item["start_utc"] is None
    assert stats["eventhound/dates/unparseable"] == 1
    _, stats = run(NormalizeDatesPipeline, raw(start_text="2027-03-04T18:30:00+0:00"))
    assert stats["eventhound/dates/warning"] == 1


def test_dates_languages_from_item():
    item, _ = run(
        NormalizeDatesPipeline, raw(start_text="16 novembre 2027", timezone="Europe/Paris", _languages=("fr",))
    )
    assert item["start"] == "2027-11-16"


# --- ValidatePipeline ------------------------------------------------------------------


def valid(**kwargs):
    item = {"title": "Job Fair", "start": "2027-03-04", "source": "demo"}
    item.update(kwargs)
    return item


def test_validate_strips_html_and_entities():
    item, _ = run(
        ValidatePipeline,
        valid(
            title="  <b>Spring</b>&nbsp;Job &amp; Career   Fair ",
            venue_name="&lt;p&gt;Hall&amp;nbsp;A&lt;/p&gt;",
            city="Austin\n",
            organizer="<script>alert(1)</script>ACME <!-- x --> Corp",
        ),
    )
    assert item["title"] == "Spring Job & Career Fair"
    assert item["venue_name"] == "Hall A"
    assert item["city"] == "Austin"
    assert item["organizer"] == "ACME Corp"


def test_validate_keeps_plain_less_than():
    item, _ = run(ValidatePipeline, valid(title="Salaries 5 &lt; 6 figures"))
    assert item["title"] == "Salaries 5 < 6 figures"


def test_validate_description_paragraphs():
    item, _ = run(ValidatePipeline, valid(description="<p>Meet   employers.</p><p>Bring<br>your CV.</p>\n\n\n"))
    assert item["description"] == "Meet employers.\n\nBring\nyour CV."
    assert clean_text("a \r\n\r\n\r\n b") == "a b"


def test_validate_keeps_the_hrefs_the_markup_held():
    item, _ = run(
        ValidatePipeline,
        valid(
            description='<p>Our weekly group. <a href="https://us02web.zoom.us/j/841?pwd=Um&amp;from=addon" target="_blank">'
            "Click here to join</a>, or see <A HREF='/faq/'>the FAQ</A> and <a href=https://ex.org/a>this</a>.</p>"
            '<p><a href="https://us02web.zoom.us/j/841?pwd=Um&amp;from=addon">Join</a></p>',
            venue_name="&lt;a href=&quot;https://www.slcl.example/hq/&quot;&gt;Library HQ&lt;/a&gt;",
            title="Job Club",
        ),
    )
    assert item["description"] == "Our weekly group. Click here to join, or see the FAQ and this.\n\nJoin"
    assert item["venue_name"] == "Library HQ"
    assert item["_links"] == [
        "https://us02web.zoom.us/j/841?pwd=Um&from=addon",
        "/faq/",
        "https://ex.org/a",
        "https://www.slcl.example/hq/",
    ]
    item, _ = run(ValidatePipeline, valid(description="<p>No links, only <b>words</b>.</p> See https://zoom.us/j/1"))
    assert "_links" not in item


def test_validate_empty_text_becomes_none():
    item, _ = run(ValidatePipeline, valid(description="<p> </p>", street="   "))
    assert item["description"] is None and item["street"] is None


def test_validate_urls():
    item, stats = run(
        ValidatePipeline,
        valid(
            url=" https://example.org/e/1?a=1&amp;b=2 ",
            registration_url="/register",
            online_url="javascript:void(0)",
            organizer_url="mailto:jobs@example.org",
            source_url="http://example.org/events",
        ),
    )
    assert item["url"] == "https://example.org/e/1?a=1&b=2"
    assert item["registration_url"] is None
    assert item["online_url"] is None
    assert item["organizer_url"] is None
    assert item["source_url"] == "http://example.org/events"
    assert stats["eventhound/validate/bad_url"] == 3


def test_validate_drops_no_title_after_cleaning():
    stats = Stats()
    with pytest.raises(DropItem, match="no_title"):
        run(ValidatePipeline, valid(title="<p> &nbsp; </p>"), stats)
    assert stats["eventhound/dropped/no_title"] == 1


def test_validate_drops_no_start():
    stats = Stats()
    with pytest.raises(DropItem, match="no_start"):
        run(ValidatePipeline, valid(start=None), stats)
    assert stats == {"eventhound/dropped/no_start": 1}


# --- IdentifyPipeline ------------------------------------------------------------------


def identify(**kwargs):
    item = {
        "source": "demo",
        "title": "Job Fair",
        "start": "2027-03-04T18:30:00-06:00",
        "url": "https://example.org/e/1",
        "all_day": False,
        "start_text": "x",
        "_languages": ("en",),
    }
    item.update(kwargs)
    return final_record(item)


def test_identify_shape():
    record = identify(own_id="abc", schema_type="BusinessEvent", event_status="EventScheduled")
    assert list(record) == list(EVENT_COLUMNS)
    assert record["all_day"] == 0 and record["topics"] == "[]" and record["event_type"] == "other"
    assert record["description"] is None


def test_identify_id_stable_and_start_sensitive():
    a = identify(own_id="https://example.org/e/1#event")
    assert a["id"] == identify(own_id="https://example.org/e/1#event")["id"]
    assert a["id"].startswith("demo:") and len(a["id"]) == len("demo:") + 16
    assert a["id"] != identify(own_id="https://example.org/e/1#event", start="2027-03-05T18:30:00-06:00")["id"]
    assert a["id"] != identify(own_id="other")["id"]
    # without own_id the url is the key, then the title
    assert identify()["id"] != identify(url=None)["id"]


def test_identify_id_matches_documented_formula():
    import hashlib

    expected = hashlib.sha1(b"abc|2027-03-04T18:30:00-06:00").hexdigest()[:16]
    assert identify(own_id="abc")["id"] == f"demo:{expected}"


def test_identify_types_what_the_steps_decided():
    # status, attendance and cost are decided by pipelines/status.py, attendance.py, cost.py;
    # identify only types them (tests/test_status.py, test_attendance.py, test_cost.py)
    record = identify(
        status="cancelled",
        previous_start="2027-03-01",
        attendance="online",
        online_url="https://zoom.us/j/1",
        is_free=True,
        price_min=0.0,
        price_max=0,
        currency=None,
    )
    assert record["status"] == "cancelled" and record["previous_start"] == "2027-03-01"
    assert record["attendance"] == "online" and record["online_url"] == "https://zoom.us/j/1"
    assert (record["is_free"], record["price_min"], record["price_max"]) == (1, 0.0, 0.0)
    # a raw value that no step read is not mapped here
    assert identify(event_status="EventCancelled")["status"] == "scheduled"
    assert identify(attendance_mode="OnlineEventAttendanceMode")["attendance"] is None


def test_identify_types():
    record = identify(
        all_day=True,
        latitude="30.27",
        longitude="-97.74",
        price_min="$1,200.50",
        price_max="bad",
        is_free="False",
        topics=["tech", "hiring"],
        country="us",
        currency="usd",
        postal_code=78701,
    )
    assert record["all_day"] == 1
    assert record["latitude"] == 30.27 and record["longitude"] == -97.74
    assert record["price_min"] == 1200.5 and record["price_max"] is None
    assert record["is_free"] == 0
    assert json.loads(record["topics"]) == ["tech", "hiring"]
    assert record["country"] == "US" and record["currency"] == "USD"
    assert record["postal_code"] == "78701"


# country as published -> the record's ISO 3166-1 alpha-2 code
COUNTRIES = {
    "us": "US",
    "US": "US",
    " ca ": "CA",
    "gb": "GB",
    "XX": "XX",
    "UK": "GB",
    "uk": "GB",  # any two letters
    "United States": "US",
    "  united   states ": "US",
    "USA": "US",
    "U.S.A.": "US",
    "u.s.": "US",
    "America": "US",
    "Canada": "CA",
    "CAN": "CA",
    "U.K.": "GB",
    "England": "GB",
    "Deutschland": "DE",
    "México": "MX",
    "Mexico": "MX",
    "The Netherlands": "NL",
    "Ind": "IN",
    "usa.": "US",
    "Canada.": "CA",
    "u.s.a": None,
    "Atlantis": None,
    "Türkiye": None,
    "": None,
    "  ": None,
    None: None,
    123: None,
}


@pytest.mark.parametrize("value", list(COUNTRIES))
def test_identify_country_codes(value):
    assert identify(country=value)["country"] == COUNTRIES[value]


def test_identify_free_and_countries():
    assert identify(is_free=True)["is_free"] == 1
    assert identify(is_free=0)["is_free"] == 0
    assert identify(is_free="true")["is_free"] == 1
    assert identify()["is_free"] is None
    assert identify(price_min=-5.0)["price_min"] is None
    assert identify(price_min="25,50 €")["price_min"] == 25.5
    assert identify(country="United States")["country"] == "US"
    assert identify(country="UK")["country"] == "GB"
    assert identify(country="Atlantis")["country"] is None
    assert identify(latitude="91", longitude="10")["latitude"] is None
    assert identify(latitude="abc", longitude="10")["longitude"] is None


def test_pipelines_chain_and_from_crawler():
    from scrapy.utils.test import get_crawler

    crawler = get_crawler(settings_dict={"EVENTHOUND_NOW": "2027-01-10T14:15:00+00:00"})
    pipes = [
        cls.from_crawler(crawler)
        for cls in (NormalizeDatesPipeline, ValidatePipeline, IdentifyPipeline, RecordPipeline)
    ]
    assert all(p.now == NOW for p in pipes)
    item = raw(title="<h1>Fair</h1>", start_text="Jan 12 10am", url="https://example.org/e/9")
    for p in pipes:
        item = p.process_item(item)
    assert item["title"] == "Fair"
    assert item["start"] == "2027-01-12T10:00:00-06:00"
    assert item["start_utc"] == "2027-01-12T16:00:00+00:00"
    assert item["time_text"] == "Jan 12 10am"
    assert "start_text" not in item and "_languages" not in item


def test_pipelines_time_themselves_when_asked():
    from scrapy.utils.test import get_crawler

    from pipelines.classify import ClassifyPipeline

    crawler = get_crawler(
        settings_dict={"EVENTHOUND_TIME_PIPELINES": True, "EVENTHOUND_NOW": "2027-01-10T14:15:00+00:00"}
    )
    pipeline = ClassifyPipeline.from_crawler(crawler)
    item = pipeline.process_item({"title": "Spring Job Fair"})
    assert item["event_type"] == "job_fair"
    assert crawler.stats.get_value("eventhound/seconds/ClassifyPipeline") > 0
    quiet = get_crawler(settings_dict={"EVENTHOUND_NOW": "2027-01-10T14:15:00+00:00"})
    ClassifyPipeline.from_crawler(quiet).process_item({"title": "Spring Job Fair"})
    assert quiet.stats.get_value("eventhound/seconds/ClassifyPipeline") is None  # off by default


@pytest.mark.parametrize(
    "broken, plain",
    [
        ("<p>Meet employers</p><script>var seats = 40; if (a<b) {", "Meet employers"),  # never closed
        ("<p>Bring résumés</p><style>p{color:red}", "Bring résumés"),
        ("<p>Doors open</p><script>track()</script><p>Free parking</p>", "Doors open\n\nFree parking"),
    ],
)
def test_an_unclosed_script_or_style_hides_what_follows_as_in_a_browser(broken, plain):
    assert clean_text(broken, multiline=True) == plain
