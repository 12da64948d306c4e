"""eventhound.crawl: what makes a source's crawl count as failed (summary, exit code), and the collector tuning."""

from eventhound.crawl import judge

FINE = {"finish_reason": "finished", "item_scraped_count": 4, "response_received_count": 3}


def test_a_crawl_with_events_succeeds():
    result = judge("chamber", FINE)
    assert result.ok and result.events == 4 and result.pages == 3 and result.errors == 0


def test_an_unreachable_start_url_fails_and_says_why():
    stats = {
        **FINE,
        "item_scraped_count": 0,
        "eventhound/start_errors": 1,
        "eventhound/fetch_errors": 1,
        "eventhound/last_error": "https://c.example/events/: HTTP 503",
    }
    result = judge("chamber", stats)
    assert not result.ok and result.problem == "could not fetch https://c.example/events/: HTTP 503"
    assert result.errors == 1


def test_no_events_at_all_fails_and_counts_unreadable_markup():
    stats = {**FINE, "item_scraped_count": 0, "eventhound/extract_errors/jsonld_unparseable": 2}
    result = judge("chamber", stats)
    assert not result.ok and result.problem == "no events found (2 unreadable: jsonld_unparseable 2)"
    assert result.errors == 2


def test_a_platform_whose_answer_changed_says_what_it_lacked():
    stats = {
        **FINE,
        "item_scraped_count": 0,
        "eventhound/extract_errors/event_without_start": 24,
        "eventhound/extract_errors/localist_not_events": 1,
    }
    assert (
        judge("campus", stats).problem
        == "no events found (25 unreadable: event_without_start 24, localist_not_events 1)"
    )


def test_a_broken_off_crawl_fails():
    result = judge("chamber", {**FINE, "finish_reason": "shutdown"})
    assert not result.ok and result.problem == "crawl ended early: shutdown"


def test_a_failed_detail_page_is_counted_but_the_source_succeeds():
    result = judge("chamber", {**FINE, "eventhound/fetch_errors": 1})
    assert result.ok and result.errors == 1


def test_a_repair_that_lost_nothing_is_a_warning_not_an_error():
    result = judge("chamber", {**FINE, "eventhound/extract_warnings/ical_folding_repaired": 1})
    assert result.ok and result.errors == 0 and result.warnings == 1
    empty = judge("chamber", {**FINE, "item_scraped_count": 0, "eventhound/extract_warnings/ical_folding_repaired": 1})
    assert empty.problem == "no events found"  # a repair is no unreadable block


def test_tuned_gc_freezes_and_restores():
    import gc

    from eventhound.crawl import tuned_gc

    before = gc.get_threshold()
    with tuned_gc(young=12_345):
        assert gc.get_threshold() == (12_345, before[1], before[2])
        assert gc.get_freeze_count() > 0  # what was alive at the start is not walked again
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0
