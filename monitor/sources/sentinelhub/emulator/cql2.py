"""A small CQL2-text filter: comparisons of item properties joined by ``AND``.

This is the subset the Catalog clients send: sentinelhub-py adds
``sar:instrument_mode='IW' AND s1:polarization='DV' AND s1:resolution='HIGH'`` for Sentinel-1 IW, and users
add things like ``eo:cloud_cover < 30``. Anything else (``OR``, ``NOT``, spatial or temporal operators) is
refused with a clear message rather than silently ignored.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ("Comparison", "CqlError", "matches", "parse_cql2")

_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "=": operator.eq,
    "<>": operator.ne,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
_TERM = re.compile(
    r"""^\s*(?P<prop>[A-Za-z_][\w:.\-]*)\s*(?P<op><=|>=|<>|!=|=|<|>)\s*
        (?:'(?P<text>(?:[^']|'')*)'|(?P<num>[-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?))\s*$""",
    re.VERBOSE,
)


class CqlError(ValueError):
    """The filter is outside the supported subset or malformed."""


@dataclass(frozen=True)
class Comparison:
    """``property op literal``."""

    prop: str
    op: str
    value: str | float

    def test(self, props: dict[str, Any]) -> bool:
        """Evaluate against an item's properties (a missing property never matches).

        Args:
            props: The item's ``properties``.

        Returns:
            The comparison's truth.
        """
        if self.prop not in props:
            return False
        have = props[self.prop]
        try:
            if isinstance(self.value, float):
                return _OPS[self.op](float(have), self.value)
            return _OPS[self.op](str(have), self.value)
        except (TypeError, ValueError):
            return False


def parse_cql2(text: str) -> list[Comparison]:
    """Parse ``a = 'x' AND b < 3``.

    Args:
        text: CQL2 text.

    Returns:
        The comparisons, all of which must hold.

    Raises:
        CqlError: Unsupported or malformed.
    """
    if not text.strip():
        return []
    terms = re.split(r"\s+AND\s+", text.strip(), flags=re.IGNORECASE)
    out = []
    for term in terms:
        if re.search(r"\b(OR|NOT)\b", term, flags=re.IGNORECASE):
            raise CqlError(f"only AND of comparisons is supported (got {term.strip()!r})")
        m = _TERM.match(term)
        if m is None:
            raise CqlError(f"cannot parse filter term {term.strip()!r}")
        value: str | float = float(m["num"]) if m["num"] is not None else m["text"].replace("''", "'")
        out.append(Comparison(m["prop"], m["op"], value))
    return out


def matches(filters: list[Comparison], props: dict[str, Any]) -> bool:
    """Whether an item passes every comparison.

    Args:
        filters: From :func:`parse_cql2`.
        props: The item's properties.

    Returns:
        True when all hold.
    """
    return all(f.test(props) for f in filters)
