"""Attribution of models and organisations to countries and groups.

- :mod:`aigap.attribution.countries`: country names -> ISO 3166 alpha-3.
"""
