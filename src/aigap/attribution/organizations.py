"""The reviewed organisation registry: organisation -> ISO3 countries, aliases, HF namespaces.

The registry is a small CSV shipped with the package (``organizations.csv``), one row per
organisation, reviewed by hand with a public source for the headquarters country. Sources
that name organisations in their own spelling (LMArena "Zhipu AI", Epoch "Z.ai (Zhipu AI)",
Hugging Face namespace "THUDM") are matched against the name and aliases, ignoring case,
spaces and punctuation, so one lookup serves every source.

Countries are ISO 3166 alpha-3 codes, headquarters first: the ``hq`` attribution rule uses
the first one. Taiwan (TWN) and Hong Kong (HKG) organisations keep their own codes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "ORG_TYPES",
    "REGISTRY_COLUMNS",
    "Registry",
    "load_registry",
    "normalize_names",
]

#: Columns of the registry CSV, in order.
REGISTRY_COLUMNS: tuple[str, ...] = (
    "org_id",
    "name",
    "aliases",
    "hf_namespaces",
    "countries",
    "org_type",
    "source_url",
    "notes",
)
_REQUIRED = ("org_id", "name", "countries", "source_url")

#: Allowed values of ``org_type`` (empty is allowed too).
ORG_TYPES: frozenset[str] = frozenset(
    {"Industry", "Academia", "Government", "Research collective", "Nonprofit"}
)

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_ISO3 = re.compile(r"^[A-Z]{3}$")
_NON_WORD = r"[\W_]+"
_PACKAGED = "organizations.csv"


def normalize_names(names: pd.Series) -> pd.Series:
    """Lower-case names with every space and punctuation mark removed (vectorised).

    "Z.ai (Zhipu AI)" -> "zaizhipuai", "01 AI" and "01.AI" -> "01ai". Missing values and
    names with no letters or digits become ``None``.
    """
    import pandas as pd

    s = pd.Series(names, copy=False).astype("string")
    s = s.str.normalize("NFKC").str.casefold().str.replace(_NON_WORD, "", regex=True)
    keep = (s.notna() & (s != "")).fillna(False).to_numpy(dtype=bool)
    out = s.astype("object")
    out[~keep] = None
    return out


def _split(value: str) -> list[str]:
    """Split a semicolon-separated cell, dropping blanks and surrounding spaces."""
    return [p.strip() for p in value.split(";") if p.strip()]


@dataclass(frozen=True)
class Registry:
    """A validated organisation registry with vectorised look-ups.

    Build it with :func:`load_registry`; the constructor does no validation.

    Attributes:
        frame: one row per organisation; list columns hold Python lists.
        file: where the registry was read from (for messages).
    """

    frame: pd.DataFrame
    file: str = _PACKAGED
    _by_key: dict[str, str] = field(default_factory=dict, repr=False)
    _by_ns: dict[str, str] = field(default_factory=dict, repr=False)
    _countries: dict[str, list[str]] = field(default_factory=dict, repr=False)

    def __len__(self) -> int:
        return len(self.frame)

    @property
    def org_ids(self) -> list[str]:
        """Every org_id, in file order."""
        return [str(x) for x in self.frame["org_id"]]

    def by_name(self, names: pd.Series | Iterable[str | None]) -> pd.Series:
        """The org_id for each name (matching name or alias), or ``None`` if unknown.

        Matching ignores case, spaces and punctuation. The result keeps the input's index.
        """
        import pandas as pd

        s = names if isinstance(names, pd.Series) else pd.Series(list(names), dtype="object")
        keys = normalize_names(s)
        out = keys.map(self._by_key)
        return out.astype("object").where(out.notna(), None)

    def by_hf_namespace(self, namespaces: pd.Series | Iterable[str | None]) -> pd.Series:
        """The org_id for each Hugging Face namespace (case-insensitive), or ``None``.

        A full repository id ("Qwen/Qwen2-72B-Instruct") is accepted: only the part before
        the first "/" is used.
        """
        import pandas as pd

        s = namespaces if isinstance(namespaces, pd.Series) else pd.Series(
            list(namespaces), dtype="object"
        )
        keys = s.astype("string").str.split("/", n=1).str[0].str.strip().str.casefold()
        out = keys.map(self._by_ns)
        return out.astype("object").where(out.notna(), None)

    def countries_for(self, org_ids: pd.Series | Iterable[str | None]) -> pd.Series:
        """The ISO3 list (headquarters first) for each org_id; ``[]`` for a missing id.

        Raises:
            AttributionError: an id that is not in the registry.
        """
        import pandas as pd

        from aigap.errors import AttributionError

        s = org_ids if isinstance(org_ids, pd.Series) else pd.Series(
            list(org_ids), dtype="object"
        )
        present = s.notna()
        unknown = present & ~s.isin(list(self._countries))
        if unknown.any():
            bad = s[unknown].iloc[0]
            raise AttributionError(
                f"unknown org_id {bad!r}; expected one of the registry's org_ids",
                file=self.file,
            )
        return s.map(lambda v: list(self._countries[v]) if isinstance(v, str) else [])

    def countries_for_lists(self, org_lists: pd.Series) -> tuple[pd.Series, pd.Series]:
        """Countries for lists of organisation *names* (a model's developers, lead first).

        Each name is matched with :meth:`by_name`; the countries of every matched
        organisation are concatenated in order and de-duplicated, so the lead organisation's
        headquarters comes first. Vectorised with explode/groupby.

        Returns:
            (ISO3 lists per row, lists of the names that matched no organisation).
        """
        import pandas as pd

        n = len(org_lists)
        flat = pd.Series(org_lists.to_numpy(dtype=object), dtype="object").explode()
        pos = flat.index.to_numpy()
        ids = self.by_name(flat.reset_index(drop=True))
        ids.index = pos
        names = flat.astype("object")
        unmatched = names[ids.isna() & names.notna()]
        codes = ids.dropna().map(self._countries).explode().dropna()
        codes_df = pd.DataFrame({"pos": codes.index.to_numpy(), "code": codes.to_numpy()})
        codes_df = codes_df.drop_duplicates()
        found: dict[int, list[str]] = {}
        if len(codes_df):
            grouped = codes_df.groupby("pos", sort=True)["code"].agg(list)
            found = dict(zip(grouped.index.tolist(), grouped.tolist(), strict=True))
        lost: dict[int, list[str]] = {}
        if len(unmatched):
            um = unmatched.groupby(level=0).agg(list)
            lost = dict(zip(um.index.tolist(), um.tolist(), strict=True))
        country_lists = pd.Series([found.get(i, []) for i in range(n)],
                                  index=org_lists.index, dtype="object")
        missing = pd.Series([lost.get(i, []) for i in range(n)],
                            index=org_lists.index, dtype="object")
        return country_lists, missing

    def to_frame(self) -> pd.DataFrame:
        """The canonical ``organization`` table (see :data:`aigap.schema.ORGANIZATION`)."""
        from aigap.schema import conform

        cols = ["org_id", "name", "aliases", "hf_namespaces", "countries", "org_type",
                "source_url"]
        return conform("organization", self.frame[cols].copy(), file=self.file)


def load_registry(path: str | Path | None = None) -> Registry:
    """Read and validate an organisation registry CSV (the packaged one by default).

    Checks: the columns of :data:`REGISTRY_COLUMNS` are present; org_id is a unique
    lower-case slug; name, countries and source_url are filled; every country is an ISO3
    code that :func:`aigap.attribution.countries.to_iso3` recognises; org_type is one of
    :data:`ORG_TYPES`; source_url is an http(s) URL; no name, alias or Hugging Face namespace
    is claimed by two organisations.

    Raises:
        SchemaError: naming the file, the spreadsheet row (header = row 1) and column.
    """
    import pandas as pd

    from aigap.errors import SchemaError

    if path is None:
        return _packaged_registry()
    file = str(path)
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    except FileNotFoundError:
        raise SchemaError("file not found", file=file) from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise SchemaError(f"not a readable CSV ({exc})", file=file) from None
    return _from_raw(raw, file)


@lru_cache(maxsize=1)
def _packaged_registry() -> Registry:
    """The registry shipped with aigap, read and validated once per process (it cannot
    change while aigap runs; callers only read it)."""
    import pandas as pd

    resource = files("aigap.attribution").joinpath(_PACKAGED)
    with resource.open("r", encoding="utf-8") as fh:
        raw = pd.read_csv(fh, dtype=str, keep_default_na=False)
    return _from_raw(raw, f"aigap/attribution/{_PACKAGED}")


def _from_raw(raw: pd.DataFrame, file: str) -> Registry:
    """Check the columns of a read registry CSV, trim its cells, then :func:`_validate`."""
    from aigap.errors import SchemaError

    raw.columns = [str(c).strip() for c in raw.columns]
    missing = [c for c in REGISTRY_COLUMNS if c not in raw.columns and c != "notes"]
    if missing:
        raise SchemaError(
            f"missing column(s) {missing}; expected columns {list(REGISTRY_COLUMNS)}",
            file=file, column=missing[0],
        )
    if "notes" not in raw.columns:
        raw["notes"] = ""
    raw = raw[list(REGISTRY_COLUMNS)].apply(lambda c: c.str.strip())
    return _validate(raw, file)


def _validate(raw: pd.DataFrame, file: str) -> Registry:
    """Check every rule of :func:`load_registry` and build the look-up tables."""
    import pandas as pd

    from aigap.attribution.countries import to_iso3
    from aigap.errors import SchemaError

    def fail(message: str, i: int, column: str) -> SchemaError:
        return SchemaError(message, file=file, row=i + 2, column=column)

    for col in _REQUIRED:
        blank = (raw[col] == "").to_numpy()
        if blank.any():
            raise fail("is empty; a value is required", int(blank.argmax()), col)
    bad_slug = ~raw["org_id"].str.fullmatch(_SLUG.pattern).to_numpy(dtype=bool)
    if bad_slug.any():
        i = int(bad_slug.argmax())
        raise fail(
            f"{raw['org_id'].iloc[i]!r} is not a lower-case slug (letters, digits, '-')",
            i, "org_id",
        )
    dup = raw["org_id"].duplicated().to_numpy()
    if dup.any():
        i = int(dup.argmax())
        first = int((raw["org_id"] == raw["org_id"].iloc[i]).to_numpy().argmax())
        raise fail(f"duplicate org_id {raw['org_id'].iloc[i]!r} (first on row {first + 2})",
                   i, "org_id")
    bad_type = ~(raw["org_type"].isin(ORG_TYPES) | (raw["org_type"] == "")).to_numpy()
    if bad_type.any():
        i = int(bad_type.argmax())
        raise fail(f"unknown org_type {raw['org_type'].iloc[i]!r}; expected one of "
                   f"{sorted(ORG_TYPES)} or empty", i, "org_type")
    bad_url = ~raw["source_url"].str.match(r"https?://\S+$").to_numpy(dtype=bool)
    if bad_url.any():
        i = int(bad_url.argmax())
        raise fail(f"{raw['source_url'].iloc[i]!r} is not an http(s) URL", i, "source_url")

    # Countries: a small table (one row per organisation), checked per distinct code.
    countries = raw["countries"].map(_split)
    for i, codes in enumerate(countries):
        if not codes:
            raise fail("lists no country; expected ISO3 codes, headquarters first", i,
                       "countries")
        if len(set(codes)) != len(codes):
            raise fail(f"repeats a country in {';'.join(codes)!r}", i, "countries")
        for code in codes:
            mapped = to_iso3(code, file=file, row=i + 2, column="countries")
            if mapped is None:
                raise fail(f"{code!r} is not a country; list the headquarters country",
                           i, "countries")
            if not _ISO3.match(code) or mapped != code:
                raise fail(f"{code!r} is not an ISO 3166 alpha-3 code (did you mean "
                           f"{mapped!r}?)", i, "countries")

    aliases = raw["aliases"].map(_split)
    namespaces = raw["hf_namespaces"].map(_split)

    # Names + aliases -> org_id; a key claimed by two organisations is an error.
    rows = pd.DataFrame({
        "i": list(range(len(raw))) + [i for i, a in enumerate(aliases) for _ in a],
        "text": list(raw["name"]) + [x for a in aliases for x in a],
        "column": ["name"] * len(raw) + ["aliases" for a in aliases for _ in a],
    })
    rows["key"] = normalize_names(rows["text"])
    no_key = rows["key"].isna().to_numpy()
    if no_key.any():
        r = rows.iloc[int(no_key.argmax())]
        raise fail(f"{r['text']!r} has no letters or digits", int(r["i"]), str(r["column"]))
    rows = rows.drop_duplicates(["i", "key"]).sort_values(["i"], kind="stable")
    clash = rows["key"].duplicated(keep="first").to_numpy()
    if clash.any():
        r = rows.iloc[int(clash.argmax())]
        owner = int(rows.loc[rows["key"] == r["key"], "i"].iloc[0])
        raise fail(
            f"{r['text']!r} is already a name or alias of {raw['org_id'].iloc[owner]!r} "
            f"(row {owner + 2}); every name and alias must belong to one organisation",
            int(r["i"]), str(r["column"]),
        )
    by_key = dict(zip(rows["key"], raw["org_id"].iloc[rows["i"]].to_numpy(), strict=True))

    ns_rows = pd.DataFrame({
        "i": pd.Series([i for i, a in enumerate(namespaces) for _ in a], dtype="int64"),
        "text": pd.Series([x for a in namespaces for x in a], dtype="object"),
    })
    ns_rows["key"] = ns_rows["text"].astype("string").str.casefold()
    ns_rows = ns_rows.drop_duplicates(["i", "key"])
    ns_ok = ns_rows["text"].astype("string").str.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*")
    bad_ns = ~ns_ok.to_numpy(dtype=bool)
    if bad_ns.any():
        r = ns_rows.iloc[int(bad_ns.argmax())]
        raise fail(f"{r['text']!r} is not a Hugging Face namespace", int(r["i"]),
                   "hf_namespaces")
    ns_clash = ns_rows["key"].duplicated().to_numpy()
    if ns_clash.any():
        r = ns_rows.iloc[int(ns_clash.argmax())]
        owner = int(ns_rows.loc[ns_rows["key"] == r["key"], "i"].iloc[0])
        raise fail(
            f"namespace {r['text']!r} is already claimed by {raw['org_id'].iloc[owner]!r} "
            f"(row {owner + 2})", int(r["i"]), "hf_namespaces",
        )
    by_ns = dict(zip(ns_rows["key"], raw["org_id"].iloc[ns_rows["i"]].to_numpy(),
                     strict=True))

    frame = pd.DataFrame({
        "org_id": raw["org_id"],
        "name": raw["name"],
        "aliases": aliases,
        "hf_namespaces": namespaces,
        "countries": countries,
        "org_type": raw["org_type"].where(raw["org_type"] != "", None),
        "source_url": raw["source_url"],
        "notes": raw["notes"].where(raw["notes"] != "", None),
    })
    country_map = dict(zip(frame["org_id"], frame["countries"], strict=True))
    return Registry(frame=frame, file=file, _by_key=by_key, _by_ns=by_ns,
                    _countries=country_map)
