"""JSON that can sit inside an HTML ``<script>`` element whatever the text holds."""

from __future__ import annotations

import json
from typing import Any

_UNSAFE = str.maketrans(
    {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
)


def script_json(value: Any) -> str:
    """``value`` as JSON with ``<``, ``>`` and ``&`` escaped.

    A title such as ``</script><script>alert(1)</script>`` then cannot close the script
    element it is embedded in; JavaScript reads the same string back.
    """
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).translate(_UNSAFE)
