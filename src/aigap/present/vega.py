"""The Vega, Vega-Lite and vega-embed JavaScript that the report inlines and the dashboard
serves, from vl-convert (no network)."""

from __future__ import annotations

from functools import lru_cache

__all__ = ["vega_bundle", "vega_lite_version"]


def vega_lite_version() -> str | None:
    """The Vega-Lite version Altair writes (e.g. "6.4"), if vl-convert bundles it."""
    import altair as alt
    import vl_convert as vlc

    v = ".".join(str(alt.SCHEMA_VERSION).lstrip("v").split(".")[:2])
    return v if v in vlc.get_vegalite_versions() else None


@lru_cache(maxsize=1)
def vega_bundle() -> str:
    """The inline JavaScript bundle with vega, vega-lite and vega-embed (cached per process)."""
    import vl_convert as vlc

    return str(vlc.javascript_bundle(None, vl_version=vega_lite_version()))  # type: ignore[arg-type]
