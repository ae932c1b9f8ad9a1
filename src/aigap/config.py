"""Settings: where the data lives and defaults, read from ``AIGAP_*`` environment variables.

Resolution order for the data directory: an explicit ``home`` argument (the CLI's ``--home``),
then ``AIGAP_HOME``, then the platform's user data directory.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

ENV_PREFIX = "AIGAP_"
STORE_FILE = "aigap.duckdb"


def _default_home() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("aigap", appauthor=False))


@dataclass(frozen=True)
class Settings:
    """Resolved settings for one run.

    Attributes:
        home: the data directory (store file, download cache).
        timeout: HTTP timeout in seconds for downloads.
    """

    home: Path = field(default_factory=_default_home)
    timeout: float = 60.0

    @property
    def store_path(self) -> Path:
        """The DuckDB file inside ``home``."""
        return self.home / STORE_FILE

    @property
    def cache_dir(self) -> Path:
        """Where downloads are cached, keyed by URL."""
        return self.home / "cache"


def get_settings(home: str | os.PathLike[str] | None = None) -> Settings:
    """Build settings from an explicit home, else the ``AIGAP_*`` environment, else defaults."""
    env_home = os.environ.get(ENV_PREFIX + "HOME")
    timeout = float(os.environ.get(ENV_PREFIX + "TIMEOUT", "60"))
    if home is not None:
        return Settings(home=Path(home).expanduser(), timeout=timeout)
    if env_home:
        return Settings(home=Path(env_home).expanduser(), timeout=timeout)
    return Settings(timeout=timeout)
