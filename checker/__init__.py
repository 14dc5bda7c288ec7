"""Rule checker for JST's ASPIRE single-applicant calls.

Standard library only, so the same package runs in CPython and, unchanged, in Pyodide in the
browser. Money is integer yen; every decision comes with its rule, status, bilingual message,
next step and citation.
"""

from .calldata import Call, CallDataError
from .engine import calls, current_call, default_call_id, evaluate, evaluate_text, load_call, load_calls, to_json

__all__ = [
    "Call", "CallDataError", "calls", "current_call", "default_call_id", "evaluate", "evaluate_text", "load_call",
    "load_calls", "to_json",
]
