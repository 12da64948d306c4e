"""The css extractor: plain HTML read with the selectors of a source's [sources.KEY.css] table."""

from datetime import UTC, datetime
from pathlib import Path

import pytest

from eventhound.extract import Tally, extract_events
from eventhound.extractors import css
from eventhound.extractors.base import Context
from eventhound.sources import Source

FIXTURES = Path(__file__).parent / "fixtures" / "css"
CHAMBER = FIXTURES / "chamber_site"
BOARD_URL = "https://www.lakeshoreworkforce.org/meetings/meetings.aspx"
NOW = datetime(2027, 1, 15, tzinfo=UTC)

BOARD = {
    "event": "table#upcoming tr.listingRow",
    "title": "td[headers=Name]::text",
    "date": "td[headers=Date]::text",
    "time": "td[headers=Time]::text",
    "location": "td[headers=Location] ::text",
    "link": "a::attr(href)",
    "next": "div.pager a.next::attr(href)",
}
JOB_CLUB = {
    "event": "table.dates tr:has(td.date)",
    "title_text": "Tuesday Job Club",
    "date": "td.date::text",
    "time": "td.start::text",
    "end": "td.end::text",
    "location": "xpath://p[@class='where']/node()[not(self::strong)]",
}
CHAMBER_OPTIONS = {
    "event": "article.event-item",
    "title": "h3.event-title a::text",
    "date": ".event-date::text",
    "link": "h3.event-title a::attr(href)",
    "next": "a.next.page-numbers::attr(href)",
    "detail": {
        "title": "h1.entry-title::text",
        "time": ".event-meta .start::text",
        "end": ".event-meta .end::text",
        "location": "xpath:.//li[@class='venue']/node()[not(self::strong)]",
        "description": ".entry-content p",
    },
}


def read(name, url, options):
    return css.extract((FIXTURES / name).read_text(encoding="utf-8"), url, Context(options=options))


# ---------------------------------------------------------------- a listing table


def test_meetings_table_rows_become_raw_events():
    x = read("workforce_board_meetings.aspx.html", BOARD_URL, BOARD)
    board, youth, employer = x.events
    assert board == {
        "title": "Full Board Meeting",
        "start_text": "Mar 10, 2027 9:00 AM",  # date text + " " + the separate time text
        "venue_name": "Lakeshore Workforce Center 310 Dock St., Port Clare, WI",  # text nodes joined by a space
        "url": "https://www.lakeshoreworkforce.org/meetings/AgendaViewer.aspx?view_id=2&event_id=5121",
        "own_id": "https://www.lakeshoreworkforce.org/meetings/AgendaViewer.aspx?view_id=2&event_id=5121",
    }
    assert youth["start_text"] == "Mar 23, 2027 3:30 PM" and "url" not in youth
    # whitespace and &nbsp; runs normalized; an empty time cell adds nothing
    assert employer["title"] == "Employer Services Committee"
    assert employer["start_text"] == "Apr 6, 2027"
    assert employer["venue_name"] == "Port Clare Chamber of Commerce, Board Room"
    assert employer["url"] == "https://www.lakeshoreworkforce.org/AgendaViewer.aspx?view_id=2&event_id=5133"


def test_a_row_without_a_date_is_counted_not_emitted_and_next_page_is_absolute():
    x = read("workforce_board_meetings.aspx.html", BOARD_URL, BOARD)
    assert len(x.events) == 3
    assert x.errors == ["event_without_start"]  # the "to be announced" executive committee row
    assert x.next_page == "https://www.lakeshoreworkforce.org/meetings/meetings.aspx?page=2"
    assert x.follow == []


def test_meetings_table_through_the_pipelines():
    source = Source(key="lwdb", spider="css", urls=(BOARD_URL,), timezone="America/Chicago", options=BOARD)
    stats = Tally()
    text = (FIXTURES / "workforce_board_meetings.aspx.html").read_text(encoding="utf-8")
    records = extract_events(text, BOARD_URL, source, NOW, fmt="css", stats=stats)
    assert [(r["title"], r["start"]) for r in records] == [
        ("Full Board Meeting", "2027-03-10T09:00:00-06:00"),
        ("Youth Employment Committee", "2027-03-23T15:30:00-05:00"),
        ("Employer Services Committee", "2027-04-06"),
    ]
    assert records[2]["all_day"] == 1
    assert stats["eventhound/extract_errors/event_without_start"] == 1


# ---------------------------------------------------------------- a table of dates with a fixed title


def test_fixed_title_separate_start_and_end_times_and_a_page_wide_location():
    x = read("job_club_dates.html", "https://www.maplevalleylibrary.org/job-club/", JOB_CLUB)
    assert [e["title"] for e in x.events] == ["Tuesday Job Club"] * 4  # the note row is not a block
    first = x.events[0]
    assert first["start_text"] == "Tuesday, March 2, 2027 9:30 AM"
    assert first["end_text"] == "11:00 AM"
    assert first["venue_name"] == "Central Library, Community Room 200 W. Maple Ave., Maple Valley"
    assert x.errors == []
    source = Source(
        key="mvpl",
        spider="css",
        urls=("https://www.maplevalleylibrary.org/job-club/",),
        timezone="America/Chicago",
        options=JOB_CLUB,
    )
    records = extract_events((FIXTURES / "job_club_dates.html").read_text(), source.urls[0], source, NOW, fmt="css")
    assert [(r["start"], r["end"]) for r in records][:2] == [
        ("2027-03-02T09:30:00-06:00", "2027-03-02T11:00:00-06:00"),
        ("2027-03-16T09:30:00-05:00", "2027-03-16T11:00:00-05:00"),  # after the DST change
    ]
    assert records[3]["start"] == "2027-04-27T10:00:00-05:00"


# ---------------------------------------------------------------- listing -> detail pages


def chamber_listing():
    base = "https://www.harborchamber.org/events/"
    return css.read_listing((CHAMBER / "events" / "index.html").read_text(), base, Context(options=CHAMBER_OPTIONS))


def test_with_a_detail_table_linked_blocks_are_followed_with_their_listing_fields():
    x, partials = chamber_listing()
    assert x.events == []
    assert x.follow == [
        "https://www.harborchamber.org/events/spring-job-fair/",
        "https://www.harborchamber.org/events/women-in-business-lunch/",
        "https://www.harborchamber.org/events/resume-clinic/",
    ]
    assert partials["https://www.harborchamber.org/events/resume-clinic/"] == {
        "title": "Résumé Clinic",
        "date": "March 17, 2027",
        "link": "https://www.harborchamber.org/events/resume-clinic/",
    }
    assert x.next_page == "https://www.harborchamber.org/events/page/2/"
    assert (
        css.extract(
            (CHAMBER / "events" / "index.html").read_text(),
            "https://www.harborchamber.org/events/",
            Context(options=CHAMBER_OPTIONS),
        ).follow
        == x.follow
    )


def test_detail_page_completes_and_overrides_the_listing():
    x, partials = chamber_listing()
    url = "https://www.harborchamber.org/events/spring-job-fair/"
    detail = css.extract_detail(
        (CHAMBER / "events" / "spring-job-fair" / "index.html").read_text(),
        url,
        Context(options=CHAMBER_OPTIONS),
        listing=partials[url],
    )
    assert detail.errors == []
    (event,) = detail.events
    assert event["title"] == "Spring Job Fair 2027"  # the detail page's title wins
    assert event["start_text"] == "March 3, 2027 10:00 AM"  # the listing's date with the detail's time
    assert event["end_text"] == "2:00 PM"
    assert event["venue_name"] == "Harbor County Fairgrounds, Expo Hall"
    assert event["description"].startswith("Forty employers from manufacturing")
    assert event["url"] == event["own_id"] == url


def test_a_detail_date_replaces_the_listing_date_and_time_together():
    options = {
        **CHAMBER_OPTIONS,
        "time": ".event-time::text",
        "detail": {**CHAMBER_OPTIONS["detail"], "date": ".event-meta .date::text", "time": ""},
    }
    listing = {
        "title": "Spring Job Fair",
        "date": "March 3, 2027",
        "time": "9:00 AM",
        "link": "https://www.harborchamber.org/events/spring-job-fair/",
    }
    x = css.extract_detail(
        (CHAMBER / "events" / "spring-job-fair" / "index.html").read_text(),
        listing["link"],
        Context(options=options),
        listing=listing,
    )
    assert x.events[0]["start_text"] == "Wednesday, March 3, 2027"  # not "... 9:00 AM"
    assert css.merge_fields({"date": "d1", "time": "t1", "title": "a"}, {"time": "t2"}) == {
        "date": "d1",
        "time": "t2",
        "title": "a",
    }


def test_a_detail_page_that_reads_nothing_keeps_the_listing_event():
    listing = {
        "title": "Résumé Clinic",
        "date": "March 17, 2027",
        "link": "https://www.harborchamber.org/events/resume-clinic/",
    }
    x = css.extract_detail(
        "<html><body><p>Page moved.</p></body></html>",
        listing["link"],
        Context(options=CHAMBER_OPTIONS),
        listing=listing,
    )
    assert x.events == [
        {"title": "Résumé Clinic", "start_text": "March 17, 2027", "url": listing["link"], "own_id": listing["link"]}
    ]


# ---------------------------------------------------------------- selector text


def test_selector_text_rules():
    page = """<html><body><div class="ev">
      <h3>Hiring <b>Event</b>:
          Warehouse</h3><script>var x = 1;</script>
      <p class="when">June 2, 2027<br>1 p.m.</p>
      <span class="meta" data-start="2027-06-02T13:00">x</span>
      <a class="more" href="/e/42#top">More</a>
    </div></body></html>"""
    options = {
        "event": "div.ev",
        "title": "h3 ::text",
        "date": "span.meta::attr(data-start)",
        "location": "xpath:substring-before(normalize-space(p[@class='when']), '1 p.m.')",
        "description": "div.ev",
        "link": "a.more",
    }
    (event,) = css.extract(page, "https://example.org/events/", Context(options=options)).events
    assert event["title"] == "Hiring Event : Warehouse"  # text nodes joined by one space
    assert event["start_text"] == "2027-06-02T13:00"  # an attribute
    assert event["venue_name"] == "June 2, 2027"  # an XPath string function
    assert "var x" not in event["description"] and event["description"].startswith("Hiring Event")
    assert event["url"] == "https://example.org/e/42"  # an element gives its href, without the fragment


# ---------------------------------------------------------------- a cost selector

CSHRM_URL = "https://www.columbusshrm.example/events/"
CSHRM = {
    "event": "div.event-card",
    "title": "h2.event-card__title a::text",
    "date": ".event-card__when::text",
    "location": ".event-card__where::text",
    "cost": "xpath:.//p[contains(@class, 'event-card__cost')]/node()[not(self::span)]",
    "description": ".event-card__summary p",
    "link": "h2.event-card__title a::attr(href)",
}


def test_the_cost_selector_gives_the_cost_text():
    x = read("association_events_costs.html", CSHRM_URL, CSHRM)
    assert x.errors == []
    luncheon, breakfast, workshop = x.events
    assert luncheon["cost_text"] == "$25 members / $40 non-members"
    assert breakfast["cost_text"] == "Free"
    assert "cost_text" not in workshop  # no cost element in the block
    # a known key, here and in the detail table; a bad selector is named
    assert css.config_problems(CSHRM) == [] == css.config_problems({**CSHRM, "detail": {"cost": ".fee::text"}})
    assert css.config_problems({**CSHRM, "cost": ".fee[["})[0].startswith("css: cost is not a valid CSS selector")


def test_the_cost_text_through_the_pipelines():
    source = Source(key="cshrm", spider="css", urls=(CSHRM_URL,), timezone="America/New_York", options=CSHRM)
    text = (FIXTURES / "association_events_costs.html").read_text(encoding="utf-8")
    records = {r["title"]: r for r in extract_events(text, CSHRM_URL, source, NOW, fmt="css")}
    luncheon = records["March Chapter Luncheon: Leading Through Layoffs"]
    assert luncheon["start"] == "2027-03-11T11:30:00-05:00"
    assert (luncheon["is_free"], luncheon["price_min"], luncheon["price_max"], luncheon["currency"]) == (
        0,
        25.0,
        40.0,
        "USD",
    )
    breakfast = records["Job Seekers Networking Breakfast"]
    assert (breakfast["is_free"], breakfast["price_min"], breakfast["price_max"]) == (1, 0.0, 0.0)
    workshop = records["Employment Law Update Workshop"]
    assert (workshop["is_free"], workshop["price_min"], workshop["price_max"]) == (None, None, None)


# ---------------------------------------------------------------- configuration and bad input


@pytest.mark.parametrize(
    "options, expected",
    [
        ({"date": "td::text", "title": "h3::text"}, "missing `event`"),
        ({"event": "tr", "title": "h3::text"}, "missing `date`"),
        ({"event": "tr", "date": "td::text"}, "missing `title`"),
        ({"event": "tr[[", "date": "td::text", "title_text": "Job Club"}, "event is not a valid CSS selector"),
        ({"event": "xpath://tr[", "date": "td::text", "title_text": "Job Club"}, "event is not a valid XPath selector"),
        ({"event": "tr", "date": "td::text", "title_text": "Job Club", "dates": "td"}, "unknown key(s) dates"),
        ({"event": "tr", "date": 3, "title_text": "Job Club"}, "date must be a selector string"),
        (
            {"event": "tr", "date": "td", "title_text": "Job Club", "detail": {"time": "p"}},
            "a detail table needs `link`",
        ),
    ],
)
def test_config_problems_name_the_key(options, expected):
    problems = css.config_problems(options)
    assert any(expected in p for p in problems), problems
    x = css.extract("<table><tr><td>May 1, 2027</td></tr></table>", "https://example.org/", Context(options=options))
    assert x.errors == ["css_config_invalid"] and x.events == []


def test_a_date_only_on_detail_pages_is_a_valid_configuration():
    options = {"event": "li", "link": "a::attr(href)", "detail": {"title": "h1::text", "date": ".when::text"}}
    assert css.config_problems(options) == []


def test_without_configuration_and_on_unmatched_or_bad_pages():
    assert css.extract("<p>x</p>", "https://example.org/", Context()).errors == ["css_not_configured"]
    assert css.config_problems({})[0].startswith("css: no [css] table")
    x = css.extract("<html><body><p>Under construction</p></body></html>", BOARD_URL, Context(options=BOARD))
    assert x.events == [] and x.errors == ["css_event_not_found"]
    for bad in ("", "\x00\x00", "<<<>>>", "<table><tr class='listingRow'><td headers='Date'>"):
        x = css.extract(bad, BOARD_URL, Context(options=BOARD))
        assert x.events == [] and x.errors  # never raises, says why
    broken = {**BOARD, "date": "xpath:re:match(., '(')"}  # compiles, fails on the page (bad regex)
    x = read("workforce_board_meetings.aspx.html", BOARD_URL, broken)
    assert "css_selector_failed" in x.errors and x.events == []


def test_css_is_never_detected():
    assert not css.looks_like((FIXTURES / "job_club_dates.html").read_text())


def test_blocks_sharing_one_link_are_not_followed_but_read_from_the_listing():
    page = """<ul>
      <li><b>Job Club</b> <i>March 2, 2027</i> <a href="/register/">Register</a></li>
      <li><b>Job Club</b> <i>March 16, 2027</i> <a href="/register/">Register</a></li>
      <li><b>Career Fair</b> <i>April 7, 2027</i> <a href="/events/career-fair/">Details</a></li>
    </ul>"""
    options = {
        "event": "li",
        "title": "b::text",
        "date": "i::text",
        "link": "a::attr(href)",
        "detail": {"time": ".time::text"},
    }
    x, partials = css.read_listing(page, "https://library.example.org/events/", Context(options=options))
    assert x.follow == ["https://library.example.org/events/career-fair/"]
    assert [(e["title"], e["start_text"]) for e in x.events] == [
        ("Job Club", "March 2, 2027"),
        ("Job Club", "March 16, 2027"),
    ]


IIBA_URL = "https://lakeshore.iiba.example/meetings/"
IIBA = {
    "event": "li.meeting",
    "title": "h3::text",
    "date": ".when::text",
    "location": ".where::text",
    "description": ".blurb",
}


def test_links_of_a_block_reach_the_attendance_step():
    x = read("chapter_meetings_links.html", IIBA_URL, IIBA)
    online, social = x.events
    assert online["links"] == [
        "https://us06web.zoom.us/j/83512345678?pwd=QWxha2VzaG9yZQ",
        "https://lakeshore.iiba.example/meetings/2027-04/",
    ]
    assert "zoom.us" not in online["description"]  # the text alone never names the link
    source = Source(key="iiba", spider="css", urls=(IIBA_URL,), timezone="America/Chicago", options=IIBA)
    text = (FIXTURES / "chapter_meetings_links.html").read_text(encoding="utf-8")
    records = {r["title"]: r for r in extract_events(text, IIBA_URL, source, NOW, fmt="css")}
    meeting = records["Requirements Elicitation in Agile Teams"]
    assert meeting["attendance"] == "online"
    assert meeting["online_url"] == "https://us06web.zoom.us/j/83512345678?pwd=QWxha2VzaG9yZQ"
    night = records["Spring Networking Night"]  # registration and parking links are no online sign
    assert night["attendance"] == "in_person" and night["online_url"] is None
    assert "links" not in meeting and "_links" not in meeting


# ---------------------------------------------------------------- date headings above lists of times

LIBRARY = FIXTURES / "library_site" / "events" / "index.html"
LIBRARY_URL = "https://www.riverbendlibrary.example/events/"
LIBRARY_OPTIONS = {
    "event": "ul.day-events > li.event",
    "heading": "h3.day-heading",
    "title": ".event-title",
    "date": ".event-time",
    "location": ".event-room",
    "link": "a.event-title::attr(href)",
}


def test_a_time_alone_takes_the_date_of_the_heading_above_it():
    context = Context(now=NOW, timezone="America/Chicago", options=LIBRARY_OPTIONS)
    x = css.extract(LIBRARY.read_text(encoding="utf-8"), LIBRARY_URL, context)
    assert x.errors == []
    assert [(e["title"], e["start_text"]) for e in x.events] == [
        ("Resume Clinic", "Tuesday, March 9, 2027 16:10"),
        ("Networking Night for Job Seekers", "Tuesday, March 9, 2027 6:30 pm – 8:00 pm"),
        ("Mock Interviews with HR Volunteers", "Thursday, March 11, 2027 10:00 am"),
        ("Career Resource Fair", "Thursday, March 11, 2027"),  # no time of its own: the heading's day
        ("Small Business Bootcamp (registration closes Thursday)", "Saturday, March 13, 2027, 9:00 am"),  # its own day
        ("LinkedIn Basics", "Monday, March 15, 2027 6:30 pm"),
        ("Drop-in Computer Help", "Ongoing 12:00 pm"),  # under a heading that is no date
    ]


def test_without_the_heading_option_a_time_alone_stays_alone():
    options = {k: v for k, v in LIBRARY_OPTIONS.items() if k != "heading"}
    x = css.extract(LIBRARY.read_text(encoding="utf-8"), LIBRARY_URL, Context(now=NOW, options=options))
    starts = {e["title"]: e["start_text"] for e in x.events}
    assert starts["Resume Clinic"] == "16:10" and "Career Resource Fair" not in starts
    assert x.errors == ["event_without_start"]


def test_listing_times_under_date_headings_become_events_on_those_days():
    source = Source(
        key="riverbend-library", spider="css", urls=(LIBRARY_URL,), timezone="America/Chicago", options=LIBRARY_OPTIONS
    )
    stats = Tally()
    records = extract_events(LIBRARY.read_text(encoding="utf-8"), LIBRARY_URL, source, NOW, fmt="css", stats=stats)
    got = {r["title"]: (r["start"], r["end"]) for r in records}
    assert got == {
        "Resume Clinic": ("2027-03-09T16:10:00-06:00", None),
        "Networking Night for Job Seekers": ("2027-03-09T18:30:00-06:00", "2027-03-09T20:00:00-06:00"),
        "Mock Interviews with HR Volunteers": ("2027-03-11T10:00:00-06:00", None),
        "Career Resource Fair": ("2027-03-11", None),
        "Small Business Bootcamp (registration closes Thursday)": ("2027-03-13T09:00:00-06:00", None),
        "LinkedIn Basics": ("2027-03-15T18:30:00-05:00", None),  # after the DST change
    }
    assert stats["item_dropped_count"] == 1  # "Ongoing 12:00 pm": no day to read


def test_the_heading_must_select_elements():
    problems = css.config_problems({**LIBRARY_OPTIONS, "heading": "h3.day-heading::text"})
    assert problems and "heading" in problems[0]
    assert css.config_problems(LIBRARY_OPTIONS) == []


def test_a_block_above_every_heading_has_no_heading_date():
    page = """<main><ul><li><i>7:00 pm</i> <b>Early mixer</b></li></ul>
      <h4>Friday, April 2, 2027</h4><ul><li><i>7:00 pm</i> <b>Chapter dinner</b></li></ul></main>"""
    options = {"event": "li", "title": "b", "date": "i", "heading": "h4"}
    x = css.extract(page, "https://chapter.example.org/events/", Context(now=NOW, options=options))
    assert [(e["title"], e["start_text"]) for e in x.events] == [
        ("Early mixer", "7:00 pm"),
        ("Chapter dinner", "Friday, April 2, 2027 7:00 pm"),
    ]
