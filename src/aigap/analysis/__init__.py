"""Analysis: pure functions over pandas DataFrames (no files, store or network).

Modules:
    frontier     per-group records (models that set a new best score) and the step frontier.
    lag          daily lag (Epoch AI's method), matched-predecessor lag, vertical gap, summaries.
    uncertainty  seeded model-level bootstrap (resamples models, m-out-of-n for extremes).
    trend        is the gap closing: record-growth bootstrap over windows (calibrated); the old
                 daily OLS with Newey-West errors is kept for comparison.
    simulate     simulated record processes with a known lag (calibration, coverage tests).
    units        days per year, gap units per metric scale, as-of end-date helper.

Import the submodules directly (``from aigap.analysis.lag import daily_lag``); this package
imports nothing heavy on purpose.
"""
