"""`json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True)`, faster, at any depth.

With `indent` set, the standard library encodes in pure Python (its C encoder only writes
compact JSON), and the JSON-LD dump is one such call per node: most of export's time at x10.
The values of a JSON-LD node are few kinds (strings, integers, booleans, small dicts and lists
of them), written here with the C string encoder and the same layout; anything else goes
through `json.dumps`. tests/test_jsontext.py compares the two on crafted values.
"""

from __future__ import annotations

import json
from json.encoder import encode_basestring  # the C version where there is one, as json uses


def pretty(value: object, depth: int = 0) -> str:
    """The indented text of `value` as it appears `depth` levels deep in a document."""
    if isinstance(value, str):
        return encode_basestring(value)
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return int.__repr__(value)  # what json writes for an int (never a subclass's repr)
    inner = "\n" + " " * (depth + 1)
    if isinstance(value, dict):
        if not value:
            return "{}"
        # strings, most values, without a call each (this runs once per value of the dump)
        items = [
            encode_basestring(k)
            + ": "
            + (encode_basestring(v) if type(v) is str else pretty(v, depth + 1))
            for k, v in sorted(value.items())
        ]
        return "{" + inner + ("," + inner).join(items) + "\n" + " " * depth + "}"
    if isinstance(value, list):
        if not value:
            return "[]"
        items = [encode_basestring(v) if type(v) is str else pretty(v, depth + 1) for v in value]
        return "[" + inner + ("," + inner).join(items) + "\n" + " " * depth + "]"
    # floats, None, tuples: not in dlkg's nodes; json's own text, re-indented to the depth
    text = json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True)
    return text.replace("\n", "\n" + " " * depth)


__all__ = ["pretty"]
