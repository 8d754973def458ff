"""Reading a prompt: every word of the vocabulary, stems and misspellings, words never bent,
Chinese, keys, tempo, drop times, and a reader that stays fast on long prompts."""

from __future__ import annotations

import re
import time

import pytest

from musicmaker_nb.music import _vocabulary as vocabulary
from musicmaker_nb.music import plan
from musicmaker_nb.music._reading import MAX_BPM, MIN_BPM, read


def _meanings() -> list[tuple[str, str, object]]:
    """(word, field, value) for every word the vocabulary's tables hold."""
    v = vocabulary
    return [
        *((w, "style", name) for name, words in v.STYLE_WORDS.items() for w in words),
        *((w, "mood", name) for name, mood in v.MOODS.items() for w in mood.words),
        *((w, "occasion", name) for name, occasion in v.OCCASIONS.items() for w in occasion.words),
        *((w, "instrument", name) for name, words in v.INSTRUMENT_WORDS.items() for w in words),
        *((w, "pace", value) for w, value in v.PACE_WORDS.items()),
        *((w, "energy", value) for w, value in v.ENERGY_WORDS.items()),
        *((w, name, value) for w, (name, value) in v.FLAG_WORDS.items()),
        *((w, "only", True) for w in v.ONLY_WORDS),
    ]


_MIXED_SCRIPT = re.compile(r"[a-z0-9].*[\u3400-\u9fff]|[\u3400-\u9fff].*[a-z0-9]", re.IGNORECASE)


def _read_as(text: str) -> list[tuple[str, object]]:
    return [(m.field, m.value) for m in read(text).matches]


def test_every_vocabulary_word_reads_as_its_own_meaning():
    meanings = [row for row in _meanings() if not _MIXED_SCRIPT.search(row[0])]
    assert len(meanings) > 1500  # the tables, not an empty loop
    wrong = {word: _read_as(word) for word, field, value in meanings if _read_as(word) != [(field, value)]}
    assert wrong == {}


_MIXED_WORDS = sorted({row[0] for row in _meanings() if _MIXED_SCRIPT.search(row[0])})
@pytest.mark.parametrize("word", _MIXED_WORDS)
def test_words_mixing_latin_and_chinese_read_whole(word):
    expected = [(field, value) for w, field, value in _meanings() if w == word]
    assert _read_as(word) == expected


@pytest.mark.parametrize(("word", "field", "value"), [
    ("drums", "instrument", "drums"), ("jazzy", "style", "jazz"), ("pianos", "instrument", "piano"),
    ("ukuleles", "instrument", "nylon guitar"), ("drummer", "instrument", "drums"),
    ("saxes", "instrument", "saxophone"), ("rockish", "style", "rock"), ("jazz-style", "style", "jazz"),
    ("chilling", "mood", "chill"), ("banjos", "instrument", "banjo"), ("orchestras", "style", "orchestral"),
])
def test_stems_and_plurals_are_read(word, field, value):
    (match,) = read(word).matches
    assert (match.field, match.value) == (field, value)
    known = {w for w, _, _ in _meanings()}
    assert match.how == ("exact" if word in known else "stem")


@pytest.mark.parametrize(("typo", "field", "value", "known"), [
    ("raggae", "style", "reggae", "reggae"), ("cinematc", "style", "orchestral", "cinematic"),
    ("relaxng", "mood", "calm", "relaxing"), ("chilll", "mood", "chill", "chill"),
    ("synthwav", "style", "synthwave", "synthwave"), ("melancolic", "mood", "melancholic", "melancholic"),
    ("acustic", "style", "acoustic", "acoustic"), ("orchestrl", "style", "orchestral", "orchestral"),
])
def test_misspellings_are_repaired_and_say_what_was_understood(typo, field, value, known):
    (match,) = read(typo).matches
    assert (match.field, match.value, match.how) == (field, value, "spelling")
    assert known in match.text and typo in match.text


def test_lullabye_is_a_lullaby_and_a_repaired_prompt_plans_it():
    assert _read_as("lullabye") == [("style", "lullaby")]
    assert plan("raggae for my beach video", 20.0, seed=1).style == "reggae"
    assert plan("cinematc and epic", 20.0, seed=1).style == "orchestral"


@pytest.mark.parametrize("word", ["something", "around", "video", "another", "anything", "somewhere", "beautiful",
                                  "morning", "everything", "people", "tonight", "nothing", "maybe", "really",
                                  "coming", "medication", "mediation"])
def test_common_words_are_never_bent(word):
    assert read(word).matches == ()


def test_a_sentence_of_common_words_means_nothing():
    reading = read("something around my video, maybe with another one")
    assert reading.matches == () and reading.is_empty()


@pytest.mark.parametrize(("prompt", "meanings"), [
    ("欢快的旅行视频", [("mood", "happy"), ("occasion", "travel")]),
    ("悲伤的钢琴曲", [("mood", "sad"), ("style", "piano")]),
    ("紧张悬疑的配乐", [("mood", "tense"), ("mood", "tense")]),
    ("古筝 不要鼓", [("instrument", "koto"), ("drums", False)]),
    ("适合学习的轻松音乐", [("occasion", "study"), ("mood", "chill")]),
])
def test_chinese_words(prompt, meanings):
    assert _read_as(prompt) == meanings


@pytest.mark.parametrize(("prompt", "key", "mode"), [
    ("in D minor", "D", "minor"),
    ("C大调", "C", "major"),
    ("F#小调 悲伤", "F#", "minor"),
    ("jazz in the key of bb major", "Bb", "major"),
    ("something in E-flat major", "Eb", "major"),
    ("in B flat minor", "Bb", "minor"),
    ("slow blues in E", "E", None),
    ("in minor", None, "minor"),
    ("a major hit for my vlog", None, None),
])
def test_keys(prompt, key, mode):
    reading = read(prompt)
    assert (reading.key, reading.mode) == (key, mode)


def test_key_words_are_not_read_as_music_words():
    assert _read_as("slow blues in E") == [("pace", -0.45), ("style", "blues")]
    assert _read_as("in D minor") == []


@pytest.mark.parametrize(("prompt", "bpm"), [
    ("happy pop at 96 bpm", 96.0), ("96.5 BPM", 96.5), ("速度 120", 120.0), ("每分钟90拍", 90.0),
    (f"{MIN_BPM:g} bpm", MIN_BPM), (f"{MAX_BPM:g} bpm", MAX_BPM),
])
def test_bpm(prompt, bpm):
    assert read(prompt).tempo_bpm == bpm


@pytest.mark.parametrize("prompt", ["happy at 300 bpm", "20 bpm drone", "每分钟250拍"])
def test_bpm_out_of_range_names_the_range(prompt):
    with pytest.raises(ValueError, match="40-240 BPM"):
        read(prompt)


@pytest.mark.parametrize(("prompt", "drop_s"), [
    ("drop at 0:15", 15.0), ("EDM with the drop around 12 s", 12.0), ("drop at 1:05", 65.0),
    ("drop near 20.5 seconds", 20.5), ("在15秒进入高潮", 15.0),
])
def test_drop_times(prompt, drop_s):
    assert read(prompt).drop_s == drop_s


def test_a_long_prompt_reads_in_well_under_a_second():
    words = "chill lo-fi beats for my study vlog with pianos and rain, slow, xqzt raggae 欢快的旅行 "
    prompt = (words * (40_000 // len(words) + 1))[:40_000]
    read(prompt[:1000])  # the lexicon is built once, on first use
    start = time.perf_counter()
    reading = read(prompt)
    assert time.perf_counter() - start < 1.0
    assert len(reading.matches) > 3000
