"""The version of aigap, in one place (the package, the User-Agent, citations)."""

VERSION = "0.2.0"
