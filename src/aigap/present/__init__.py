"""Presentation: display labels, the CLI's output routine and the Vega-Lite chart specs that
the report and the dashboard share. Pure functions over frames; no questions are asked here."""
