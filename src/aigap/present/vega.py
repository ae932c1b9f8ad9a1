"""The Vega, Vega-Lite and vega-embed JavaScript that the report inlines and the dashboard
serves, from vl-convert (no network)."""

from __future__ import annotations

from pathlib import Path

__all__ = ["vega_bundle", "vega_lite_version"]

#: The bundle, once built or read in this process.
_MEMO: dict[str, str] = {}


def vega_lite_version() -> str | None:
    """The Vega-Lite version Altair writes (e.g. "6.4"), if vl-convert bundles it."""
    import altair as alt
    import vl_convert as vlc

    v = ".".join(str(alt.SCHEMA_VERSION).lstrip("v").split(".")[:2])
    return v if v in vlc.get_vegalite_versions() else None


def vega_bundle(cache_dir: str | Path | None = None) -> str:
    """The inline JavaScript bundle with vega, vega-lite and vega-embed.

    Building it takes vl-convert a few seconds, so it is kept for the process and, given
    ``cache_dir``, in a file named by the vl-convert and Vega-Lite versions (so an upgrade
    builds a new one).
    """
    from importlib.metadata import version

    vl = vega_lite_version()
    path = None
    if cache_dir is not None:
        path = Path(cache_dir) / f"vega-bundle-{version('vl-convert-python')}-vl{vl}.js"
    if "js" in _MEMO:
        js = _MEMO["js"]
    elif path is not None and path.is_file():
        js = path.read_text(encoding="utf-8")
    else:
        import vl_convert as vlc

        js = str(vlc.javascript_bundle(None, vl_version=vl))  # type: ignore[arg-type]
    if path is not None and not path.is_file():  # kept for later processes too
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            tmp.write_text(js, encoding="utf-8")
            tmp.replace(path)
        except OSError:
            pass
    _MEMO["js"] = js
    return js
