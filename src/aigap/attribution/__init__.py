"""Attribution of models and organisations to countries and groups.

- :mod:`aigap.attribution.countries`: country names -> ISO 3166 alpha-3.
- :mod:`aigap.attribution.organizations`: reviewed organisation registry (organizations.csv).
- :mod:`aigap.attribution.groups`: group names -> Group (China incl. HKG/MAC, EU27, ...).
- :mod:`aigap.attribution.rules`: inclusive / exclusive / hq / fractional membership.
"""
