"""A batch of submitted codes, each distinct code once.

A batch (the bulk API, up to 1,000 codes) may name one certificate many times, typed in
different ways. Each distinct code is looked up and written to the verification log once;
the answer still has one result per submitted code, in the order submitted.
"""

from dataclasses import dataclass

from .codes import MalformedCode, normalize


@dataclass(frozen=True)
class DistinctCodes:
    """`firsts`: the first text typed for each distinct code, in first-seen order.
    `positions[i]`: where in `firsts` the i-th submitted text's code is."""

    firsts: list[str]
    positions: list[int]

    def spread(self, answers):
        """One answer per submitted text, in order, from one answer per entry of `firsts`."""
        return [answers[position] for position in self.positions]


def distinct_codes(texts):
    """Group submitted texts by the code they name (DistinctCodes).

    Texts name the same code when they normalize alike: case, separators (hyphens, spaces)
    and the look-alike letters I, L and O do not matter. A text that is not a code at all
    is the same only as an identical text.
    """
    firsts, positions, seen = [], [], {}
    for text in texts:
        try:
            key = normalize(text)
        except MalformedCode:
            key = ("malformed", text)  # a tuple never equals a normalized code
        if key not in seen:
            seen[key] = len(firsts)
            firsts.append(text)
        positions.append(seen[key])
    return DistinctCodes(firsts, positions)
