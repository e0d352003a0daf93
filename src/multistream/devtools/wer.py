"""Word error rate of a transcript against the script it was read from (`jiwer`), both
sides in lower case without punctuation: what the tests and `bench/pipeline` measure."""

from __future__ import annotations

import jiwer

normalise = jiwer.Compose(
    [
        jiwer.ToLowerCase(),
        jiwer.RemovePunctuation(),  # type: ignore[no-untyped-call]
        jiwer.RemoveMultipleSpaces(),
        jiwer.Strip(),
        jiwer.ReduceToListOfListOfWords(),
    ]
)


def word_error_rate(reference: str, hypothesis: str) -> float:
    return float(
        jiwer.wer(
            reference, hypothesis, reference_transform=normalise, hypothesis_transform=normalise
        )
    )


def misheard_words(phrase: str, text: str) -> int:
    """How many words of `phrase` the closest run of words in `text` gets wrong: the word
    edit distance from `phrase` to its best-matching stretch of `text` (approximate
    substring matching, Sellers 1980). 0 when `text` has `phrase` word for word."""
    wanted, words = plain(phrase).split(), plain(text).split()
    # row[j]: the fewest edits that make wanted[:i] end at words[j - 1]; a match may start
    # anywhere in `text`, so the first row costs nothing.
    row = [0] * (len(words) + 1)
    for i, word in enumerate(wanted, start=1):
        previous, row = row, [i] + [0] * len(words)
        for j, heard in enumerate(words, start=1):
            row[j] = min(previous[j - 1] + (word != heard), previous[j] + 1, row[j - 1] + 1)
    return min(row)


def plain(text: str) -> str:
    """`text` as the measure sees it: lower-case words separated by single spaces."""
    return " ".join(normalise(text)[0])
