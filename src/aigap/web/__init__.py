"""The local web dashboard and JSON API (``aigap serve``); see :mod:`aigap.web.app`."""
