"""Batch items as people write them: one rule for the session, the cluster and the CLI."""

import pandas
import pytest

from musicmaker_nb.protocol._batch import BatchItem, batch_items, is_url, output_name


def test_paths_with_one_prompt_for_all():
    items = batch_items(["clips/a.mp4", "https://x.test/b.mov?sig=1"], prompt="calm piano")
    assert items == [BatchItem("clips/a.mp4", "calm piano", "a_music.mp4"),
                     BatchItem("https://x.test/b.mov?sig=1", "calm piano", "b_music.mp4")]


def test_each_item_may_have_its_own_prompt_and_it_wins():
    items = batch_items([("a.mp4", "jazz"), ("b.mp4",), {"path": "c.mp4", "prompt": "epic", "seed": "7"}],
                        prompt="lo-fi")
    assert [(item.prompt, item.seed) for item in items] == [("jazz", None), ("lo-fi", None), ("epic", 7)]


def test_a_dataframe_or_csv_rows_with_other_column_names():
    frame = pandas.DataFrame({"Clip": ["x/a.mp4", "y/a.mp4"], "Instruction": ["rock", None]})
    items = batch_items(frame, prompt="folk")
    assert [(item.source, item.prompt, item.output) for item in items] == [
        ("x/a.mp4", "rock", "a_music.mp4"), ("y/a.mp4", "folk", "a_music_2.mp4")]  # same name twice: both kept


@pytest.mark.parametrize(("items", "prompt", "message"), [
    (["a.mp4"], None, "item 1 (a.mp4) has no instruction"),
    ([{"prompt": "jazz"}], None, "item 1 has no clip"),
    ([], "jazz", "the batch is empty"),
    ("a.mp4", "jazz", "must be a list"),
    ([("a.mp4", "jazz", "extra")], None, "expected (source, prompt), got 3 values"),
    ([{"path": "a.mp4", "prompt": "x", "seed": "soon"}], None, "the seed must be a whole number"),
    ([{"path": "a.mp4", "prompt": "x", "output": "o.mp4"}, {"path": "b.mp4", "prompt": "x", "output": "o.mp4"}],
     None, "item 2: another item already writes 'o.mp4'"),
])
def test_what_is_wrong_with_an_item_is_said(items, prompt, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        batch_items(items, prompt)


def test_output_names_are_safe_and_unique():
    taken: set[str] = set()
    assert output_name("../../etc/My Trip!.MOV", taken) == "My_Trip_music.mp4"
    assert output_name("s3://bucket/dir/", taken) == "dir_music.mp4"
    # names that differ only in case collide on macOS and Windows disks
    assert output_name("other/my_trip!.mov", taken) == "my_trip_music_2.mp4"
    assert output_name("other/My Trip!.mov", taken) == "My_Trip_music_3.mp4"
    assert output_name("", taken) == "clip_music.mp4"


def test_urls_are_told_from_paths():
    assert is_url("s3://bucket/a.mp4") and is_url("HTTPS://x.test/a") and is_url("gcs://b/a")
    assert not is_url("clips/a.mp4") and not is_url("/abs/a.mp4") and not is_url("C:\\a.mp4")
