"""Analysis: pure functions over pandas DataFrames (no files, store or network).

Modules:
    frontier     per-group records (models that set a new best score) and the step frontier.
    lag          daily lag (Epoch AI's method), matched-predecessor lag, vertical gap, summaries.
    uncertainty  seeded model-level bootstrap; a generic path and a fast path for the lag.
    trend        is the gap closing: OLS slope with Newey-West (HAC) standard errors.

Import the submodules directly (``from aigap.analysis.lag import daily_lag``); this package
imports nothing heavy on purpose.
"""
