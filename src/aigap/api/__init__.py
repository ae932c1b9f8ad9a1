"""The public door: one module per question, each returning pandas objects or result objects.

Every other door (the CLI, the web API, the report, the claims) asks these functions, so the
same question gets the same number wherever it is asked.

- :mod:`~aigap.api.catalogue`: models, metrics, sources, scores
- :mod:`~aigap.api.capability`: lag, trend (with sensitivity)
- :mod:`~aigap.api.aci`: the aigap Capability Index (aci), fitted from raw benchmark rows
- :mod:`~aigap.api.training`: training-compute trends and the compute lag
- :mod:`~aigap.api.infrastructure`: TOP500, AI supercomputers, export-control chips
- :mod:`~aigap.api.ratings`: arena gaps, the Open LLM Leaderboard, country indicators
- :mod:`~aigap.api.research`: institutions publishing at top AI conferences (CSRankings)
- :mod:`~aigap.api.data`: update and import

Names are loaded lazily, so ``import aigap.api`` does no work.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from aigap.lazy import lazy_exports

if TYPE_CHECKING:  # the real names, for type checkers and editors
    from aigap.api.aci import IndexResult as IndexResult
    from aigap.api.aci import index as index
    from aigap.api.capability import LagReport as LagReport
    from aigap.api.capability import TrendReport as TrendReport
    from aigap.api.capability import lag as lag
    from aigap.api.capability import lag_by_evaluator as lag_by_evaluator
    from aigap.api.capability import trend as trend
    from aigap.api.catalogue import data_sources as data_sources
    from aigap.api.catalogue import metrics as metrics
    from aigap.api.catalogue import models as models
    from aigap.api.catalogue import scores as scores
    from aigap.api.catalogue import unmapped as unmapped
    from aigap.api.data import ImportReport as ImportReport
    from aigap.api.data import import_path as import_path
    from aigap.api.data import update_from_dir as update_from_dir
    from aigap.api.data import update_live as update_live
    from aigap.api.infrastructure import chips as chips
    from aigap.api.infrastructure import clusters as clusters
    from aigap.api.infrastructure import top500 as top500
    from aigap.api.ratings import arena_gap as arena_gap
    from aigap.api.ratings import arena_languages as arena_languages
    from aigap.api.ratings import indicators as indicators
    from aigap.api.ratings import leaderboard as leaderboard
    from aigap.api.research import institutions as institutions
    from aigap.api.result import Result as Result
    from aigap.api.training import ComputeReport as ComputeReport
    from aigap.api.training import compute as compute
    from aigap.store import Store as Store
    from aigap.store import open_store as open_store

# name -> module that defines it
API: dict[str, str] = {
    "models": "aigap.api.catalogue",
    "metrics": "aigap.api.catalogue",
    "data_sources": "aigap.api.catalogue",
    "scores": "aigap.api.catalogue",
    "unmapped": "aigap.api.catalogue",
    "lag": "aigap.api.capability",
    "lag_by_evaluator": "aigap.api.capability",
    "trend": "aigap.api.capability",
    "LagReport": "aigap.api.capability",
    "TrendReport": "aigap.api.capability",
    "compute": "aigap.api.training",
    "ComputeReport": "aigap.api.training",
    "top500": "aigap.api.infrastructure",
    "clusters": "aigap.api.infrastructure",
    "chips": "aigap.api.infrastructure",
    "arena_gap": "aigap.api.ratings",
    "arena_languages": "aigap.api.ratings",
    "leaderboard": "aigap.api.ratings",
    "indicators": "aigap.api.ratings",
    "institutions": "aigap.api.research",
    "import_path": "aigap.api.data",
    "update_from_dir": "aigap.api.data",
    "update_live": "aigap.api.data",
    "ImportReport": "aigap.api.data",
    "index": "aigap.api.aci",
    "IndexResult": "aigap.api.aci",
    "Result": "aigap.api.result",
    "Store": "aigap.store",
    "open_store": "aigap.store",
}

__all__ = sorted(API)


__getattr__, __dir__ = lazy_exports(__name__, API, globals())
