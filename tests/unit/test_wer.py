"""The transcript measures the lecture test holds a replay to."""

from __future__ import annotations

import pytest

from multistream.devtools.wer import misheard_words, word_error_rate

SAID = "glorofil is the green pigment inside the leaf. Did I absorb bread and blue light?"


@pytest.mark.parametrize(
    ("phrase", "wrong"),
    [
        ("green pigment", 0),
        ("Green, pigment!", 0),
        ("red and blue light", 1),  # "bread and blue light"
        ("chlorophyll is the green", 1),  # "glorofil is the green"
        ("inside the leaf did", 0),  # across a sentence
        ("oxygen we breathe", 3),  # not said at all
        ("the leaf absorbs", 1),  # the closest is "the leaf did"
    ],
)
def test_a_phrase_is_matched_against_its_closest_stretch_of_words(phrase: str, wrong: int) -> None:
    assert misheard_words(phrase, SAID) == wrong


def test_a_word_heard_as_two_counts_as_one_wrong_and_one_extra() -> None:
    said = "food chain starts with photosynthesis. forrest, produce the next region we breathe."
    assert misheard_words("oxygen we breathe", said) == 1  # the closest: "region we breathe"
    assert misheard_words("produce the oxygen we breathe", said) == 2


def test_a_phrase_longer_than_the_text_counts_the_words_it_lacks() -> None:
    assert misheard_words("the green pigment inside", "green pigment") == 2
    assert misheard_words("green", "") == 1


def test_the_word_error_rate_ignores_case_and_punctuation() -> None:
    assert word_error_rate("Red and blue light.", "red, and blue LIGHT") == 0
    assert word_error_rate("red and blue light", "bread and blue light") == 0.25
