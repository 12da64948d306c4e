"""pipelines.text: folded patterns, anchor words and sentence windows find what a plain search finds."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines import attendance, status
from pipelines.text import fold, folded, has_any, sentence_spans

# Words the patterns are made of, their near misses, and what cuts text into sentences.
VOCABULARY = [
    "has",
    "have",
    "been",
    "now",
    "cancelled",
    "Canceled",
    "CANCELLED",
    "cancellation",
    "postponed",
    "rescheduled",
    "moved",
    "online",
    "Online",
    "to",
    "a",
    "virtual",
    "virtually",
    "Zoom",
    "zoom.us/j/123",
    "teams",
    "Microsoft",
    "Teams",
    "webex",
    "Google",
    "Meet",
    "link",
    "LinkedIn",
    "will",
    "be",
    "held",
    "sent",
    "event",
    "fair",
    "is",
    "was",
    "it",
    "this",
    "in",
    "person",
    "in-person",
    "or",
    "and",
    "&",
    "/",
    "both",
    "remote",
    "remotely",
    "via",
    "on",
    "join",
    "us",
    "attend",
    "webinar",
    "live",
    "stream",
    "livestream",
    "hybrid",
    "Hybrid",
    "register",
    "apply",
    "tickets",
    "available",
    "the",
    "policy",
    "if",
    "refunds",
    "İstanbul",
    "know",
    "snow",
]
# What the patterns look for, written as publishers do; their spaces become any whitespace.
PHRASES = [
    "has been cancelled",
    "have now been postponed",
    "had been rescheduled",
    "has been moved online",
    "has been moved to a virtual",
    "event is cancelled",
    "fair was now postponed",
    "will now be held virtually",
    "this is now a virtual",
    "it will now be online",
    "in person or online",
    "in-person & virtual",
    "online and in person",
    "both in person and virtually",
    "via Zoom",
    "using Microsoft Teams",
    "over Google Meet",
    "zoom link",
    "held remotely",
    "virtual job fair",
    "join us online",
    "attend virtually",
    "live-streamed",
    "meeting link will be sent",
    "access link will be emailed",
    "this event is an online only",
    "hybrid event",
    "this is a hybrid",
    "(hybrid)",
    "register online",
    "tickets are available online",
    "apply online",
    "https://us02web.zoom.us/j/8765",
    "teams.microsoft.com/l/meetup-join/19",
    "meet.google.com/abc-defg-hij",
]
SEPARATORS = [" ", " ", " ", "  ", "\n", ". ", "! ", "? ", ", ", ": ", " (", ") ", " - "]
phrases = st.tuples(
    st.sampled_from(PHRASES), st.lists(st.sampled_from([" ", " ", "\n", "  "]), min_size=8, max_size=8)
).map(lambda p: "".join(word + space for word, space in zip(p[0].split(" "), p[1])).rstrip())
texts = st.lists(
    st.tuples(st.one_of(st.sampled_from(VOCABULARY), phrases), st.sampled_from(SEPARATORS)), max_size=30
).map(lambda parts: "".join(word + sep for word, sep in parts))

# (pattern, the words every match holds one of) as the pipelines use them in sentence windows
WINDOWED = [
    (status._STATEMENT, status._STATEMENT_ANCHORS),
    (attendance._IN_PERSON_AND_ONLINE, ("person",)),
    (attendance._DESCRIPTION_ONLINE, attendance._ONLINE_WORDS),
]


@settings(max_examples=400, deadline=None)
@given(texts)
def test_sentence_windows_find_what_the_whole_text_holds(text):
    lower = fold(text)
    for pattern, words in WINDOWED:
        whole = pattern.search(lower) is not None
        windows = any(pattern.search(lower, start, end) for start, end in sentence_spans(lower, words))
        assert whole == windows, (pattern.pattern[:40], text)


@settings(max_examples=400, deadline=None)
@given(texts)
def test_folded_patterns_match_as_ignore_case_does(text):
    for pattern in (
        status._STATEMENT,
        status._CONDITION,
        attendance._HYBRID,
        attendance._DESCRIPTION_ONLINE,
        attendance._APPLY_ONLINE,
        attendance._IN_PERSON_AND_ONLINE,
    ):
        assert (pattern.search(fold(text)) is not None) == (
            re.compile("(?i)" + pattern.pattern).search(text) is not None
        )


@settings(max_examples=400, deadline=None)
@given(texts)
def test_cheap_gates_never_hide_a_match(text):
    lower = fold(text)
    if status._STATEMENT.search(lower):
        assert has_any(lower, status._STATEMENT_WORDS) or ("now" in lower and has_any(lower, ("virtual", "online")))
    # says_online searches sentence by sentence, after removing "register online" and the like
    assert attendance.says_online(lower) == bool(
        attendance._DESCRIPTION_ONLINE.search(attendance._APPLY_ONLINE.sub(" ", lower))
    )
    assert attendance.says_hybrid(text) == bool(
        re.compile("(?i)" + attendance._HYBRID.pattern).search(text)
        or re.compile("(?i)" + attendance._IN_PERSON_AND_ONLINE.pattern).search(text)
    )
    if attendance._MEETING_LINK.search(text):
        assert attendance.meeting_link(text)


def test_fold_keeps_positions():
    text = "İstanbul Career Fair. CANCELLED"
    assert len(fold(text)) == len(text) and fold(text).endswith("career fair. cancelled")


def test_sentence_spans_cover_the_sentences_holding_a_word():
    lower = "meet employers. register online! bring a resume? join us online\nor in person"
    spans = sentence_spans(lower, ("online",))
    assert [lower[start:end] for start, end in spans] == [" register online!", " join us online\nor in person"]
    assert sentence_spans(lower, ("zoom",)) == []


def test_a_pattern_for_folded_text_has_no_capitals():
    assert folded(r"\bhas\s+(?P<name>been)\W").search("it has been.")
    with pytest.raises(ValueError, match="upper-case letter"):
        folded(r"\bCancelled\b")
