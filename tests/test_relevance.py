"""Career relevance: the learned model (eventhound/relevance.py), `eventhound train`, and
`career_only` sources that drop what is not a career event."""

import hashlib
import json
from datetime import UTC, datetime

import pytest

from eventhound.localsite import serve_directory
from eventhound.relevance import CareerModel, ModelError, career_model, features_of
from eventhound.training import TrainingError, read_labels, train
from pipelines.classify import ClassifyPipeline
from tests.conftest import FIXTURES, crawl, query, run_eventhound, summary
from tests.kit import Stats, cli

NOW = datetime(2027, 3, 1, tzinfo=UTC)
TINY_LABELS = FIXTURES / "relevance" / "labels.tsv"


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory):
    path = tmp_path_factory.mktemp("model") / "tiny.json"
    train(TINY_LABELS, path, log=lambda *_: None)
    return path


def test_train_writes_the_same_bytes_from_the_same_labels(tiny_model, tmp_path):
    again = tmp_path / "again.json"
    train(TINY_LABELS, again, log=lambda *_: None)
    assert again.read_bytes() == tiny_model.read_bytes()
    meta = json.loads(again.read_text())["meta"]
    assert meta["trained_on"] == {"train": 16, "dev": 8}


def test_train_never_reads_the_test_split(tiny_model, tmp_path):
    changed = tmp_path / "labels.tsv"
    lines = TINY_LABELS.read_text().splitlines()
    test_rows = [i for i, line in enumerate(lines) if "\ttest\t" in line]
    assert test_rows
    for i in test_rows:  # the test rows say something else entirely: the model must not change
        cells = lines[i].split("\t")
        cells[2], cells[3] = "trade_show", "Something Else Entirely"
        lines[i] = "\t".join(cells)
    changed.write_text("\n".join(lines) + "\n")
    out = tmp_path / "model.json"
    train(changed, out, log=lambda *_: None)
    model, tiny = json.loads(out.read_text()), json.loads(tiny_model.read_text())
    model["meta"].pop("labels_sha256"), tiny["meta"].pop("labels_sha256")
    assert model == tiny


def test_the_tiny_model_tells_career_events_from_others(tiny_model):
    model = CareerModel.load(tiny_model)
    fair = model.judge(*features_of("Spring Career Fair", "Employers hiring; bring your resume."))
    game = model.judge(*features_of("Varsity Football vs Central", "Conference game; tickets at the gate."))
    assert fair.event_type == "job_fair" and fair.career_score >= model.threshold
    assert game.event_type == "other" and game.career_score < model.threshold
    assert 0.0 <= game.career_score < fair.career_score <= 1.0


def test_labels_with_an_unknown_type_name_their_line(tmp_path):
    bad = tmp_path / "labels.tsv"
    lines = TINY_LABELS.read_text().splitlines()
    lines[3] = lines[3].replace("\tjob_club\t", "\tjob_clubs\t")
    bad.write_text("\n".join(lines) + "\n")
    with pytest.raises(TrainingError, match=r"labels.tsv:4: label 'job_clubs'"):
        read_labels(bad)


@pytest.mark.parametrize(
    "content, message",
    [
        (None, "no career model file; build it with `eventhound train`"),
        ("{not json", "unreadable career model"),
        ('{"format": "something-else/1"}', "not a career model"),
        ('{"format": "eventhound-career-model/1", "classes": ["other"]}', "are not the nine event types"),
    ],
)
def test_a_bad_or_missing_model_file_is_a_clear_error(tmp_path, content, message):
    path = tmp_path / "model.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(ModelError, match=message) as error:
        CareerModel.load(path)
    assert str(path) in str(error.value)


def test_crawl_with_a_bad_model_file_stops_before_crawling(tmp_path):
    (tmp_path / "sources.toml").write_text(
        '[sources.x]\nspider = "ical"\nurls = ["http://127.0.0.1:9/x.ics"]\ntimezone = "UTC"\n'
    )
    result = run_eventhound(
        "crawl",
        "--sources",
        tmp_path / "sources.toml",
        "--db",
        tmp_path / "events.db",
        "-s",
        f"EVENTHOUND_CAREER_MODEL={tmp_path / 'missing.json'}",
    )
    assert result.returncode != 0
    assert "no career model file" in result.stderr
    assert not (tmp_path / "events.db").exists()


def test_every_event_gets_a_score_and_other_exactly_when_judged_not_career():
    pipeline = ClassifyPipeline(NOW, Stats())
    threshold = career_model().threshold
    for title, description in [
        ("Spring Career Fair", "Employers hiring for many positions."),
        ("Toddler Story Time", "Songs and rhymes."),
        ("Chamber Business After Hours", "Network with members."),
        ("Varsity Basketball vs North", "Conference game."),
    ]:
        item = pipeline.process_item({"title": title, "description": description})
        assert 0.0 <= item["career_score"] <= 1.0
        assert (item["event_type"] == "other") == (item["career_score"] < threshold), item
        assert item["type_reason"]


def test_a_source_default_type_still_applies_but_career_only_drops(tmp_path):
    pipeline = ClassifyPipeline(NOW, Stats())
    kept = pipeline.process_item({"title": "Toddler Story Time", "description": "Songs.", "event_type": "networking"})
    assert kept["event_type"] == "networking" and kept["type_reason"].startswith("source default")
    from scrapy.exceptions import DropItem

    with pytest.raises(DropItem, match="not_career"):
        pipeline.process_item({"title": "Toddler Story Time", "description": "Songs.", "_career_only": True})
    assert pipeline.stats["eventhound/dropped/not_career"] == 1


def test_a_career_source_types_an_unsure_event_by_its_text_when_the_text_is_clear():
    pipeline = ClassifyPipeline(NOW, Stats())
    alone = pipeline.process_item({"title": "Resume Writing Workshop", "description": ""})
    assert alone["event_type"] == "other" and "no description" in alone["type_reason"]
    # the same event from a source that declares its events career events (default networking)
    vouched = pipeline.process_item({"title": "Resume Writing Workshop", "description": "", "event_type": "networking"})
    assert vouched["event_type"] == "workshop"
    assert vouched["type_reason"] == f"career source; workshop by the text ({vouched['career_score']:.2f})"
    assert vouched["career_score"] == alone["career_score"]


@pytest.fixture(scope="module")
def mixed_site():
    with serve_directory(FIXTURES / "relevance") as base_url:
        yield base_url


def test_career_only_source_keeps_career_events_and_counts_the_rest(tmp_path, mixed_site):
    result, db = crawl(
        tmp_path,
        f"""
[sources.riverside-library]
spider = "ical"
urls = ["{mixed_site}/library_mixed.ics"]
timezone = "America/New_York"
career_only = true
""",
        now="2027-03-01T12:00:00+00:00",
    )
    assert result.returncode == 0, result.stderr
    titles = sorted(r["title"] for r in query(db, "select title from events"))
    assert titles == ["Microsoft Excel for Beginners", "Résumé Writing Workshop", "Spring Career Fair"]
    run = query(db, "select items, dropped, dropped_reasons from runs")[0]
    assert run["dropped"] == 4 and json.loads(run["dropped_reasons"]) == {"not_career": 4}
    assert "dropped=4" in summary(result, "riverside-library")
    scores = query(db, "select event_type, career_score from events")
    assert all(r["career_score"] >= career_model().threshold and r["event_type"] != "other" for r in scores)


def test_extract_explain_shows_kept_and_dropped_events(tmp_path):
    (tmp_path / "sources.toml").write_text(
        '[sources.lib]\nspider = "ical"\nurls = ["https://lib.example/e.ics"]\n'
        'timezone = "America/New_York"\ncareer_only = true\n'
    )
    result = cli(
        "extract",
        FIXTURES / "relevance" / "library_mixed.ics",
        "--sources",
        tmp_path / "sources.toml",
        "--source",
        "lib",
        "--explain",
        "--now",
        "2027-03-01T00:00:00Z",
    )
    assert result.exit_code == 0, result.stderr
    lines = {r["title"]: r for r in map(json.loads, result.stdout.splitlines())}
    assert len(lines) == 7
    assert lines["Spring Career Fair"]["kept"] is True and lines["Spring Career Fair"]["event_type"] == "job_fair"
    story = lines["Toddler Story Time"]
    assert story["kept"] is False and story["dropped"] == "not_career"
    assert story["career_score"] < career_model().threshold and story["type_reason"].startswith("not career")


def test_the_packaged_model_is_what_train_makes_of_the_packaged_labels(tmp_path):
    from eventhound.training import LABELS, MODEL

    meta = career_model().meta
    assert meta["labels_sha256"] == hashlib.sha256(LABELS.read_bytes()).hexdigest()
    train(LABELS, tmp_path / "model.json", log=lambda *_: None)
    assert (tmp_path / "model.json").read_bytes() == MODEL.read_bytes()
