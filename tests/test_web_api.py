"""The dashboard's JSON API, through FastAPI's TestClient, on the fixture mirror."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from aigap.store import Store

FIXTURES_DIR = Path(__file__).resolve().parent / "fixtures"
FIXTURE_MIRROR = FIXTURES_DIR / "epoch" / "mirror"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    from aigap.api.data import update_from_dir
    from aigap.web.app import create_app

    path = tmp_path_factory.mktemp("web") / "aigap.duckdb"
    with Store(path) as st:
        update_from_dir(st, FIXTURE_MIRROR)
    app = create_app(store=Store(path, read_only=True))
    return TestClient(app)


def test_sources(client: TestClient) -> None:
    r = client.get("/api/sources")
    assert r.status_code == 200
    names = {s["source"] for s in r.json()["sources"]}
    assert "epoch-models" in names
    epoch = next(s for s in r.json()["sources"] if s["source"] == "epoch-models")
    assert "CC BY 4.0" in epoch["licence"] + epoch["credit"]


def test_metrics_and_models(client: TestClient) -> None:
    m = client.get("/api/metrics").json()["metrics"]
    assert "eci" in {row["metric"] for row in m}
    r = client.get("/api/models", params={"country": "China"})
    assert r.status_code == 200
    body = r.json()
    assert body["n_models"] == len(body["models"]) > 0
    assert all("CHN" in row["countries"] or "HKG" in row["countries"]
               for row in body["models"])


def test_lag_matches_python_api(client: TestClient) -> None:
    from aigap.api.capability import lag

    r = client.get("/api/lag", params={"metric": "eci", "bootstrap": 50, "seed": 3,
                                       "drop_first": False})
    assert r.status_code == 200, r.text
    body = r.json()
    st = client.app.state.access.store  # type: ignore[attr-defined]
    rep = lag("USA", "China", "eci", bootstrap=50, seed=3, drop_first=False, store=st)
    assert body["headline"]["estimate"] == pytest.approx(rep.headline["estimate"])
    assert body["sentence"] == rep.sentence()
    assert {p["group"] for p in body["points"]} == {"USA", "China"}
    assert len(body["series"]) == len(rep.series)


def test_trend_and_compute_answer_or_explain(client: TestClient) -> None:
    # The fixture is tiny: each endpoint either answers or gives the CLI's message with 400.
    for url in ("/api/trend?drop_first=false", "/api/compute"):
        r = client.get(url)
        assert r.status_code in (200, 400), (url, r.text)
        if r.status_code == 400:
            assert r.json()["error"] and "\n" not in r.json()["error"]


def test_claims(client: TestClient) -> None:
    r = client.get("/api/claims")
    assert r.status_code in (200, 400)
    if r.status_code == 200:
        assert "claims" in r.json()


@pytest.mark.parametrize(("url", "needle"), [
    ("/api/lag?metric=no_such_metric", "metric:"),
    ("/api/lag?follower=Atlantis", "Atlantis"),
    ("/api/lag?as_of=2025-02-30", "as_of:"),
    ("/api/lag?tau=abc", "tau:"),
    ("/api/lag?bootstrap=-1", "bootstrap:"),
    ("/api/models?since=2025-01-01&until=2024-01-01", "since "),
    ("/api/models?attribution=bogus", "bogus"),
    ("/api/trend?attribution=bogus", "bogus"),
    ("/api/compute?top=0", "top:"),
])
def test_bad_input_is_400_naming_the_parameter(client: TestClient, url: str,
                                                 needle: str) -> None:
    r = client.get(url)
    assert r.status_code == 400, r.text
    msg = r.json()["error"]
    assert needle in msg
    assert "\n" not in msg


def test_same_message_as_cli(client: TestClient, cli, fixtures: Path) -> None:  # type: ignore[no-untyped-def]
    cli("update", "--from", str(fixtures / "epoch" / "mirror"))
    res = cli("lag", "--metric", "no_such_metric")
    assert res.code == 2
    api = client.get("/api/lag?metric=no_such_metric").json()["error"]
    assert api in res.err


def test_cache_returns_identical_bytes(client: TestClient) -> None:
    a = client.get("/api/lag?bootstrap=20&drop_first=false")
    b = client.get("/api/lag?bootstrap=20&drop_first=false")
    assert a.content == b.content
    access = client.app.state.access  # type: ignore[attr-defined]
    assert any(body == a.content for body in access.answers.values())


def test_dashboard_and_local_assets(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and "/static/vega.js" in page.text
    assert "http" not in page.text.split("<body>")[0].replace("http-equiv", "")
    js = client.get("/static/vega.js")
    assert js.status_code == 200 and "vegaEmbed" in js.text
    assert client.get("/static/dashboard.js").status_code == 200
    assert client.get("/static/../app.py").status_code == 404


def test_missing_store_is_a_clear_error(tmp_path: Path) -> None:
    from aigap.errors import AigapError
    from aigap.web.app import create_app

    with pytest.raises(AigapError, match="aigap update"):
        create_app(tmp_path / "nowhere")


def test_every_listed_metric_answers_with_dates_or_a_plain_400(client: TestClient) -> None:
    _every_metric_answers(client)


def _every_metric_answers(client: TestClient) -> None:
    """/api/lag for each metric /api/metrics lists: 200 with finite dates, or 4xx with one
    plain sentence; "NaT" nowhere in any body."""
    import math

    listed = [m["metric"] for m in client.get("/api/metrics").json()["metrics"]]
    assert listed
    for metric in listed:
        r = client.get("/api/lag", params={"metric": metric, "bootstrap": 20})
        assert "NaT" not in r.text and "Invalid" not in r.text, (metric, r.text[:300])
        if r.status_code == 200:
            body = r.json()
            assert body["inputs"]["metric"] == metric
            for key in ("start", "end"):
                assert body["window"][key] and body["window"][key][:2] in ("19", "20"), metric
            assert all(p["date"] for p in body["points"]), metric
            assert all(math.isfinite(s["lag_months"]) for s in body["series"]), metric
        else:
            assert 400 <= r.status_code < 500, (metric, r.status_code)
            msg = r.json()["error"]
            assert msg and "\n" not in msg and "Traceback" not in msg, (metric, msg)


@pytest.mark.slow
def test_every_listed_metric_on_the_mirror(shared_data: Path, tmp_path: Path) -> None:
    from aigap.api.data import update_from_dir
    from aigap.web.app import create_app

    path = tmp_path / "aigap.duckdb"
    with Store(path) as st:
        update_from_dir(st, shared_data)
    _every_metric_answers(TestClient(create_app(store=Store(path, read_only=True))))


def test_plain_language_validation_errors(client: TestClient) -> None:
    msg = client.get("/api/lag?tau=abc").json()["error"]
    assert msg.startswith("tau: expected a number") and "Input should" not in msg
    msg = client.get("/api/lag?bootstrap=-1").json()["error"]
    assert msg.startswith("bootstrap:") and "--" not in msg


def test_groups_top500_clusters_endpoints(client: TestClient) -> None:
    groups = client.get("/api/groups").json()["groups"]
    names = {g["name"] for g in groups}
    assert {"China", "EU27", "USA", "open"} <= names
    assert all(g["label"] for g in groups)
    for url in ("/api/top500", "/api/clusters"):
        r = client.get(url)
        assert r.status_code in (200, 400), (url, r.text)


def test_a_write_shows_without_restart_and_writers_are_not_locked_out(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from aigap.api.data import update_from_dir
    from aigap.web.app import create_app

    home = tmp_path / "home"
    monkeypatch.setenv("AIGAP_HOME", str(home))
    from aigap.config import get_settings

    path = Path(get_settings(home).store_path)
    with Store(path) as st:
        update_from_dir(st, FIXTURE_MIRROR)
    client = TestClient(create_app(home))
    before = client.get("/api/sources").json()
    assert not any(s["source"] == "top500" and s["vintages"] for s in before["sources"])
    # The app holds no connection between requests: a writer gets the store.
    with Store(path) as st:
        update_from_dir(st, FIXTURES_DIR / "top500")
    after = client.get("/api/sources").json()
    assert any(s["source"] == "top500" and s["vintages"] for s in after["sources"])
