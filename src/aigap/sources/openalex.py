"""OpenAlex ``group_by=authorships.countries`` answers -> the ``indicator`` table.

OpenAlex (openalex.org, CC0) answers a works query with ``group_by`` as JSON:
``{"meta": {...}, "group_by": [{"key": ".../countries/CN", "key_display_name": "China",
"count": 1234}, ...]}``: works with at least one author in each country (a paper with
authors in two countries counts for both). The answer does not repeat the query, so the
file name carries what was asked: ``openalex-<slug>-<YEAR>.json`` for a query filtered to
``publication_year:<YEAR>``. The slug becomes indicator ``openalex:<slug>``; the year its
date (1 January). :data:`QUERIES` lists the queries aigap's claims use, with their URLs.

Refused, naming the file (and the entry): a name without a year, text that is not JSON, no
``group_by`` list, a key that is not a country, a count that is not a whole number >= 0, a
country listed twice.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import date

import pandas as pd

from aigap.errors import SchemaError
from aigap.sources.base import ParsedDataset, Source, SourceFile, register

API = "https://api.openalex.org/works"
CREDIT = "OpenAlex (openalex.org), CC0"
_NAME = re.compile(r"^openalex-(?P<slug>[a-z0-9][a-z0-9-]*?)-(?P<year>\d{4})\.json$",
                   re.IGNORECASE)
_KEY = re.compile(r"^(?:https://openalex\.org/countries/)?(?P<code>[A-Za-z]{2})$")

#: slug -> (label, unit, filter without the year). AI is OpenAlex's subfield 1702
#: ("Artificial Intelligence", its topic taxonomy); "top 1% cited" is OpenAlex's
#: citation-normalised percentile (per subfield and year).
QUERIES: dict[str, tuple[str, str, str]] = {
    "ai-top1pct-cited": (
        "AI papers in the top 1% cited of their subfield and year, by author country",
        "papers",
        "primary_topic.subfield.id:1702,citation_normalized_percentile.is_in_top_1_percent:"
        "true"),
    "ai-papers": ("AI papers, by author country", "papers",
                  "primary_topic.subfield.id:1702"),
}


def query_url(slug: str, year: int) -> str:
    """The OpenAlex URL whose answer is saved as ``openalex-<slug>-<year>.json``."""
    _, _, flt = QUERIES[slug]
    return (f"{API}?filter={flt},publication_year:{year}&group_by=authorships.countries"
            "&per-page=200")


def _iso3(alpha2: str) -> str | None:
    import pycountry

    found = pycountry.countries.get(alpha_2=alpha2)
    if found is None and alpha2 == "XK":
        return "XKX"
    return None if found is None else str(found.alpha_3)


def _groups(file: SourceFile) -> list[object]:
    try:
        doc = json.loads(file.data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SchemaError(f"not an OpenAlex JSON answer ({exc})", file=file.name) from None
    groups = doc.get("group_by") if isinstance(doc, dict) else None
    if not isinstance(groups, list):
        raise SchemaError("expected an OpenAlex group_by answer: an object with a "
                          "\"group_by\" list", file=file.name, column="group_by")
    return groups


def _row(entry: object, i: int, file: str) -> tuple[str, float]:
    where = f"group_by[{i}]"
    if not isinstance(entry, dict):
        raise SchemaError("expected an object with key and count", file=file, column=where)
    key = str(entry.get("key", "")).strip()
    m = _KEY.match(key)
    code = _iso3(m.group("code").upper()) if m else None
    if code is None:
        raise SchemaError(f"expected a country key such as https://openalex.org/countries/CN,"
                          f" got {key!r} (was the query grouped by authorships.countries?)",
                          file=file, column=f"{where}.key")
    count = entry.get("count")
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        raise SchemaError(f"expected a whole number >= 0, got {count!r}", file=file,
                          column=f"{where}.count")
    return code, float(count)


def parse_openalex(file: SourceFile) -> list[ParsedDataset]:
    """One group_by-by-country answer -> indicator rows for the year in its file name."""
    m = _NAME.match(file.basename)
    if m is None:
        raise SchemaError("expected a file name like openalex-ai-top1pct-cited-2019.json "
                          "(the query's slug and its publication year)", file=file.name)
    slug, year = m.group("slug").lower(), int(m.group("year"))
    if not 1900 <= year <= date.today().year:
        raise SchemaError(f"expected a publication year up to {date.today().year}, got {year}",
                          file=file.name)
    rows = [_row(e, i, file.name) for i, e in enumerate(_groups(file))]
    codes = [c for c, _ in rows]
    twice = [c for c, n in Counter(codes).items() if n > 1]
    if twice:
        raise SchemaError(f"country {twice[0]} appears more than once", file=file.name)
    label, unit, _ = QUERIES.get(slug, (f"OpenAlex works ({slug}), by author country",
                                        "works", ""))
    frame = pd.DataFrame({
        "indicator_id": f"openalex:{slug}",
        "country": codes,
        "date": pd.Timestamp(year, 1, 1),
        "value": [v for _, v in rows],
        "unit": unit,
        "label": label,
        "source_name": "OpenAlex",
        "source_url": query_url(slug, year) if slug in QUERIES else API,
    })
    return [ParsedDataset(source="openalex", dataset=f"{slug}-{year}", file=file,
                          frames={"indicator": frame}, data_as_of=date(year, 1, 1),
                          skipped=Counter())]


register(Source(
    name="openalex",
    publisher="OpenAlex (OurResearch)",
    title="OpenAlex works counted by author country (group_by answers)",
    homepage="https://openalex.org",
    licence="CC0 1.0",
    credit=CREDIT,
    urls=(),
    patterns=("openalex-*.json",),
    parse=parse_openalex,
))
