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


def plain(text: str) -> str:
    """`text` as the measure sees it: lower-case words separated by single spaces."""
    return " ".join(normalise(text)[0])
