"""Claims registry: dated public claims about the AI gap, and their verdicts against data.

    from aigap.claims import load_claims, evaluate_claims
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = ["evaluate_cached", "evaluate_claims", "load_claims"]

if TYPE_CHECKING:
    from aigap.claims.cache import evaluate_cached
    from aigap.claims.evaluate import evaluate_claims
    from aigap.claims.registry import load_claims


def __getattr__(name: str) -> Any:
    if name == "load_claims":
        from aigap.claims.registry import load_claims

        return load_claims
    if name == "evaluate_cached":
        from aigap.claims.cache import evaluate_cached

        return evaluate_cached
    if name == "evaluate_claims":
        from aigap.claims.evaluate import evaluate_claims

        return evaluate_claims
    raise AttributeError(name)
