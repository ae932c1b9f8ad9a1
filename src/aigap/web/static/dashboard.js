// aigap dashboard: pickers -> the local JSON API -> headline, warnings and charts.
// The settings live in the address (query parameters named as the JSON API's: leader,
// follower, metric, as_of, attribution, tau, view), so a view can be shared and restored.
const $ = (id) => document.getElementById(id);
const LEAD = "#0072B2", FOLL = "#D55E00", REST = "#999999";   // Okabe-Ito blue, vermillion
const SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";
const STALE_DAYS = 183;
const FIELDS = ["leader", "follower", "metric", "attribution", "tau", "as_of"];
let metricInfo = {};
let seq = 0;
let view = "lag";

// -- small helpers -------------------------------------------------------------------------

function iso(d) { return d ? String(d).slice(0, 10) : null; }

function control(name) { return $(name === "as_of" ? "asof" : name); }

function ensureOption(select, value, label) {
  if (!value || Array.from(select.options).some((o) => o.value === value)) return;
  const o = document.createElement("option");
  o.value = value;
  o.textContent = label || value;
  select.appendChild(o);
}

function settings() {
  const s = {};
  for (const f of FIELDS) {
    const v = (control(f).value || "").trim();
    if (v) s[f] = v;
  }
  return s;
}

function query(keys) {
  const s = settings();
  const p = new URLSearchParams();
  for (const k of keys) if (s[k]) p.set(k, s[k]);
  return p.toString();
}

function saveToUrl() {
  const p = new URLSearchParams(settings());
  if (view !== "lag") p.set("view", view);
  history.replaceState(null, "", location.pathname + (p.toString() ? "?" + p : ""));
}

function restoreFromUrl() {
  const p = new URLSearchParams(location.search);
  for (const f of FIELDS) {
    const v = p.get(f);
    if (v === null) continue;
    const el = control(f);
    if (el.tagName === "SELECT") ensureOption(el, v);
    el.value = v;
  }
  const v = p.get("view");
  if (v && $("view-" + v)) view = v;
}

async function getJSON(url) {
  let r;
  try {
    r = await fetch(url);
  } catch (err) {
    throw new Error("The aigap server does not answer. Is `aigap serve` still running?");
  }
  const body = await r.json().catch(() => ({}));
  if (!r.ok) throw new Error(body.error || ("The server answered with error " + r.status + "."));
  return body;
}

// Result sentences without jargon (as aigap.present.labels.plain).
function plain(s) {
  return String(s || "").replace(/\btau (\d+(?:\.\d+)?)/g, "tolerance $1")
    .replace(/\b(\d+% )HAC interval/g, "$1interval")
    .replace(/matched-predecessor lag/g, "lag behind the matching earlier model");
}

function fmt(x, d = 1) { return x === null || x === undefined || !isFinite(x) ? "?" : Number(x).toFixed(d); }

function daysBetween(a, b) { return (new Date(b + "T00:00:00Z") - new Date(a + "T00:00:00Z")) / 86400000; }

// Warnings a reader must see: data far older than the view's date, an as-of answer that
// used a later vintage (hindsight), and the API's own warnings.
function dateWarnings(data, what) {
  const out = [];
  const dates = Object.values((data && data.data_as_of) || {}).filter(Boolean).sort();
  const newest = dates.length ? dates[dates.length - 1] : null;
  const ref = (data && data.as_of) || new Date().toISOString().slice(0, 10);
  if (newest && daysBetween(newest, ref) > STALE_DAYS) {
    out.push("Old data: the newest " + what + " data are from " + newest + ", " +
      Math.round(daysBetween(newest, ref) / 30.44) + " months before " +
      ((data && data.as_of) ? "the as-of date " + ref : "today (" + ref + ")") + ".");
  }
  for (const w of (data && data.warnings) || []) {
    out.push(/no vintage|oldest/.test(w) ? "Hindsight: " + w + ". This answer uses data " +
      "published after the as-of date." : w);
  }
  return { list: out, newest };
}

function showWarnings(list) {
  const box = $("warnings");
  box.innerHTML = "";
  for (const w of list) {
    const p = document.createElement("p");
    p.className = "warning";
    p.textContent = w;
    box.appendChild(p);
  }
}

function sourceLine(data, newest) {
  return "Source: " + ((data && data.credits) || []).join("; ") +
    (newest ? ". Data as of " + newest + "." : ".") + " Analysis: aigap.";
}

function embed(id, spec) {
  return window.vegaEmbed("#" + id, spec, { actions: false, renderer: "svg" });
}

function clearView() {
  for (const id of ["headline", "trend", "frontier-source", "compute-headline", "compute-source",
                    "top500-headline", "top500-source"]) $(id).textContent = "";
  for (const id of ["frontier", "lagchart", "computechart", "top500chart"]) $(id).innerHTML = "";
  $("claims-table").innerHTML = "";
  showWarnings([]);
}

// -- capability lag ------------------------------------------------------------------------

function scaleOf(lag) { return lag.inputs.scale; }

function frontierSpec(lag) {
  const L = lag.inputs.leader_group, F = lag.inputs.follower_group;
  const k = scaleOf(lag) === "fraction" ? 100 : 1;          // 0-1 scores drawn as %
  const unit = k === 100 ? "%" : (scaleOf(lag) === "rating" ? "rating points" : "points");
  const pts = lag.points.map((p) => ({ ...p, value: p.value * k }));
  const recs = lag.leader_records.map((r) => ({ ...r, value: r.value * k, group: L }))
    .concat(lag.follower_records.map((r) => ({ ...r, value: r.value * k, group: F })));
  const colour = { domain: [L, F], range: [LEAD, FOLL] };
  const label = (metricInfo[lag.inputs.metric] || {}).label || lag.inputs.metric;
  return {
    $schema: SCHEMA, width: "container", height: 300,
    autosize: { type: "fit-x", contains: "padding" },
    layer: [
      { data: { values: pts }, mark: { type: "circle", opacity: 0.35, size: 28 },
        encoding: { x: { field: "date", type: "temporal", title: "Release date",
                         axis: { format: "%Y", tickCount: "year", labelOverlap: true, labelSeparation: 8 } },
          y: { field: "value", type: "quantitative", scale: { zero: false },
               title: label + " (" + unit + ")" },
          color: { field: "group", type: "nominal", scale: colour, title: null,
                   legend: { orient: "bottom", symbolOpacity: 1 } },
          tooltip: [{ field: "name", title: "model" }, { field: "group" },
                    { field: "date", type: "temporal" }, { field: "value", format: ".3~f" }] } },
      { data: { values: recs }, mark: { type: "line", interpolate: "step-after", strokeWidth: 2 },
        encoding: { x: { field: "date", type: "temporal" }, y: { field: "value", type: "quantitative" },
          color: { field: "group", type: "nominal", scale: colour } } },
      { data: { values: recs }, mark: { type: "point", filled: true, size: 55 },
        encoding: { x: { field: "date", type: "temporal" }, y: { field: "value", type: "quantitative" },
          color: { field: "group", type: "nominal", scale: colour },
          tooltip: [{ field: "model", title: "record" }, { field: "date", type: "temporal" },
                    { field: "value", format: ".3~f" }] } },
    ],
  };
}

function summaryRow(lag, stat) { return (lag.summary || []).find((r) => r.statistic === stat) || {}; }

function lagSpec(lag, tr) {
  const ytitle = lag.inputs.follower_group + " behind " + lag.inputs.leader_group + " (months)";
  const x = { field: "date", type: "temporal", title: "Date",
              axis: { format: "%b %Y", labelOverlap: true, labelSeparation: 8 } };
  const layers = [{
    data: { values: lag.series }, mark: { type: "line", color: FOLL },
    encoding: { x: x, y: { field: "lag_months", type: "quantitative", title: ytitle },
      tooltip: [{ field: "date", type: "temporal" }, { field: "lag_months", format: ".1f", title: "lag (months)" }] },
  }];
  const t = tr && tr.lag_trend;
  if (t && t.intercept !== null && t.slope_per_year !== null) {
    const years = daysBetween(t.start, t.end) / 365.25;
    layers.push({ data: { values: [
        { date: t.start, fitted: t.intercept }, { date: t.end, fitted: t.intercept + t.slope_per_year * years }] },
      mark: { type: "line", color: "#333", strokeDash: [6, 4], strokeWidth: 2 },
      encoding: { x: x, y: { field: "fitted", type: "quantitative", title: ytitle } } });
  }
  const end = summaryRow(lag, "lag_end");
  const last = lag.series.length ? lag.series[lag.series.length - 1].date : null;
  if (last && end.lower !== null && end.upper !== null && end.lower !== undefined) {
    const v = [{ date: last, estimate: end.estimate, lower: end.lower, upper: end.upper }];
    layers.push({ data: { values: v }, mark: { type: "errorbar", ticks: true, color: "#000" },
      encoding: { x: x, y: { field: "lower", type: "quantitative", title: ytitle },
                  y2: { field: "upper" } } });
    layers.push({ data: { values: v }, mark: { type: "point", filled: true, color: "#000" },
      encoding: { x: x, y: { field: "estimate", type: "quantitative", title: ytitle },
        tooltip: [{ field: "estimate", format: ".1f" }, { field: "lower", format: ".1f" },
                  { field: "upper", format: ".1f" }] } });
  }
  return { $schema: SCHEMA, width: "container", height: 220,
           autosize: { type: "fit-x", contains: "padding" }, layer: layers };
}

// "ahead" when the follower leads: on average its best score was above the leader's and it
// trailed by less than a month on average (the API's sentence would say "trails by 0.2").
function lagSentence(lag) {
  const h = lag.headline || {};
  const gap = summaryRow(lag, "gap_mean");
  const L = lag.inputs.leader_group, F = lag.inputs.follower_group;
  const label = (metricInfo[lag.inputs.metric] || {}).label || lag.inputs.metric;
  if (h.estimate !== null && h.estimate < 1 && gap.estimate !== undefined && gap.estimate !== null
      && gap.estimate < 0) {
    const k = scaleOf(lag) === "fraction" ? 100 : 1;
    const unit = k === 100 ? "percentage points" : (gap.unit || "points");
    const lvl = Math.round(100 * lag.inputs.level);
    const iv = gap.lower !== null && gap.upper !== null
      ? " (" + lvl + "% interval " + fmt(-gap.upper * k) + "–" + fmt(-gap.lower * k) + ")" : "";
    return "On " + label + ", " + F + " is ahead of " + L + ": its best score was " +
      fmt(-gap.estimate * k) + " " + unit + " higher on average" + iv + " from " +
      lag.window.start + " to " + lag.window.end + "; it trailed by " + fmt(h.estimate) +
      " months on average.";
  }
  return plain(lag.sentence);
}

async function showLag(my) {
  const q = query(["leader", "follower", "metric", "attribution", "tau", "as_of"]);
  const [lag, tr] = await Promise.all([
    getJSON("/api/lag?" + q), getJSON("/api/trend?" + q).catch((e) => ({ error: e.message }))]);
  if (my !== seq) return false;
  const label = (metricInfo[lag.inputs.metric] || {}).label || lag.inputs.metric;
  const w = dateWarnings(lag.data, label);
  showWarnings(w.list);
  $("headline").textContent = lagSentence(lag);
  $("trend").textContent = tr.error ? "No trend test: " + tr.error : plain(tr.sentence);
  $("frontier-source").textContent = sourceLine(lag.data, w.newest);
  await Promise.all([embed("frontier", frontierSpec(lag)), embed("lagchart", lagSpec(lag, tr.error ? null : tr))]);
  return label + ", " + lag.inputs.follower_group + " vs " + lag.inputs.leader_group +
    (w.newest ? " (data as of " + w.newest + ")" : "");
}

// -- training compute ----------------------------------------------------------------------

async function showCompute(my) {
  const c = await getJSON("/api/compute?" + query(["leader", "follower", "attribution", "as_of"]));
  if (my !== seq) return false;
  const L = c.leader.group, F = c.follower.group;
  const w = dateWarnings(c.data, "model catalogue");
  showWarnings(w.list);
  $("compute-headline").textContent = c.sentence;
  $("compute-source").textContent = sourceLine(c.data, w.newest);
  const colour = { domain: [L, F], range: [LEAD, FOLL] };
  const lines = c.lines.map((l) => ({ ...l, line: l.group + " " + l.segment }));
  await embed("computechart", {
    $schema: SCHEMA, width: "container", height: 300, autosize: { type: "fit-x", contains: "padding" },
    layer: [
      { data: { values: c.points }, mark: { type: "circle", size: 36, opacity: 0.7 },
        encoding: { x: { field: "release_date", type: "temporal", title: "Release date" },
          y: { field: "training_compute_flop", type: "quantitative", scale: { type: "log" },
               title: "Training compute (FLOP, log scale)",
               axis: { labelExpr: "'10^' + round(log(datum.value) / LN10)" } },
          color: { field: "group", type: "nominal", scale: colour, title: null, legend: { orient: "bottom" } },
          tooltip: [{ field: "name", title: "model" }, { field: "release_date", type: "temporal" },
                    { field: "training_compute_flop", format: ".2e" }] } },
      { data: { values: lines }, mark: { type: "line", strokeWidth: 2.5 },
        encoding: { x: { field: "date", type: "temporal" },
          y: { field: "flop", type: "quantitative", scale: { type: "log" } },
          detail: { field: "line" }, color: { field: "group", type: "nominal", scale: colour } } },
    ] });
  return "training compute, " + F + " vs " + L;
}

// -- TOP500 ---------------------------------------------------------------------------------

async function showTop500(my) {
  const t = await getJSON("/api/top500?" + query(["leader", "follower", "as_of"]));
  if (my !== seq) return false;
  const editions = t.shares.map((r) => iso(r.edition)).sort();
  const newest = editions[editions.length - 1];
  const w = dateWarnings({ ...t.data, data_as_of: { top500: newest } }, "TOP500 list");
  showWarnings(w.list);
  const last = t.shares.filter((r) => iso(r.edition) === newest);
  const share = (g) => fmt(100 * ((last.find((r) => r.group === g) || {}).systems_share || 0), 0);
  $("top500-headline").textContent = "In the TOP500 list of " + newest + ", " + t.follower +
    " had " + share(t.follower) + "% of the 500 systems and " + t.leader + " " + share(t.leader) + "%.";
  $("top500-source").textContent = "Source: TOP500.org lists; newest list " + newest + ". Analysis: aigap." +
    (t.note ? " " + t.note : "");
  await embed("top500chart", {
    $schema: SCHEMA, width: "container", height: 260, autosize: { type: "fit-x", contains: "padding" },
    data: { values: t.shares.map((r) => ({ ...r, edition: iso(r.edition) })) },
    mark: { type: "line", point: true },
    encoding: { x: { field: "edition", type: "temporal", title: "TOP500 edition" },
      y: { field: "systems_share", type: "quantitative", title: "Share of the 500 systems", axis: { format: "%" } },
      color: { field: "group", type: "nominal", title: null, legend: { orient: "bottom" },
               scale: { domain: [t.leader, t.follower, "Rest of world"], range: [LEAD, FOLL, REST] } },
      tooltip: [{ field: "group" }, { field: "edition", type: "temporal" }, { field: "systems_share", format: ".1%" }] } });
  return "TOP500, " + t.follower + " vs " + t.leader;
}

// -- claims ----------------------------------------------------------------------------------

async function showClaims(my) {
  $("status").textContent = "Checking every claim (this can take a while the first time)…";
  const c = await getJSON("/api/claims" + (settings().as_of ? "?as_of=" + settings().as_of : ""));
  if (my !== seq) return false;
  if (!c.available) { showWarnings([c.reason]); return "claims"; }
  const t = document.createElement("table");
  t.innerHTML = "<thead><tr><th scope=col>claim</th><th scope=col>who, when</th>" +
    "<th scope=col>verdict then</th><th scope=col>verdict now</th><th scope=col>evidence</th></tr></thead>";
  const body = document.createElement("tbody");
  for (const r of c.claims) {
    const row = r.row || {};
    const tr = document.createElement("tr");
    const ev = ((r.as_of || {}).tests || []).flatMap((x) => x.evidence || [])
      .filter((e) => e.estimate !== null).slice(0, 3)
      .map((e) => (e.metric || e.statistic) + ": " + fmt(e.estimate) + " " + (e.unit || "") +
        (e.lower !== null && e.upper !== null ? " (" + fmt(e.lower) + " to " + fmt(e.upper) + ")" : ""));
    for (const text of [row.claim || r.claim, (row.speaker || r.speaker) + ", " + (row.date || r.date),
                        row.verdict_at_claim, row.verdict_as_of, ev.join("; ")]) {
      const td = document.createElement("td");
      td.textContent = text || "";
      tr.appendChild(td);
    }
    body.appendChild(tr);
  }
  t.appendChild(body);
  $("claims-table").appendChild(t);
  return c.claims.length + " claims";
}

// -- wiring -----------------------------------------------------------------------------------

const VIEWS = { lag: showLag, compute: showCompute, top500: showTop500, claims: showClaims };

function showTabs() {
  for (const b of document.querySelectorAll("nav.tabs button")) {
    b.setAttribute("aria-pressed", String(b.dataset.view === view));
  }
  for (const s of document.querySelectorAll("section.view")) s.hidden = s.id !== "view-" + view;
  document.body.dataset.view = view;
}

async function redraw() {
  const my = ++seq;
  saveToUrl();
  showTabs();
  document.body.classList.add("loading");
  document.body.setAttribute("aria-busy", "true");
  $("status").textContent = "";
  try {
    const what = await VIEWS[view](my);
    if (what === false || my !== seq) return;
    $("error").hidden = true;
    $("status").textContent = "Showing " + what + ".";
  } catch (err) {
    if (my !== seq) return;
    clearView();                       // never leave the previous answer on screen
    $("error").hidden = false;
    $("error").textContent = err.message;
    $("status").textContent = "";
  } finally {
    if (my === seq) {
      document.body.classList.remove("loading");
      document.body.removeAttribute("aria-busy");
      document.body.dataset.ready = String(my);
    }
  }
}

function fillGroups(groups) {
  for (const id of ["leader", "follower"]) {
    const sel = $(id);
    const keep = sel.value;
    sel.innerHTML = "";
    for (const [kind, title] of [["group", "Groups"], ["country", "Countries"]]) {
      const og = document.createElement("optgroup");
      og.label = title;
      for (const g of groups.filter((x) => x.kind === kind)) {
        const o = document.createElement("option");
        o.value = g.name;
        o.textContent = g.name === g.label ? g.name : g.label + " (" + g.name + ")";
        og.appendChild(o);
      }
      sel.appendChild(og);
    }
    if (keep) { ensureOption(sel, keep); sel.value = keep; }
  }
}

function fillMetrics(rows) {
  const sel = $("metric");
  sel.innerHTML = "";
  const families = {};
  for (const r of rows) {
    metricInfo[r.metric] = r;
    (families[r.family] = families[r.family] || []).push(r);
  }
  for (const fam of Object.keys(families).sort()) {
    const og = document.createElement("optgroup");
    og.label = fam;
    for (const r of families[fam].sort((a, b) => a.label.localeCompare(b.label))) {
      const o = document.createElement("option");
      o.value = r.metric;
      o.textContent = r.label + " (" + r.models + " models, to " + iso(r.last) + ")";
      og.appendChild(o);
    }
    sel.appendChild(og);
  }
}

function setDateRange() {
  const info = metricInfo[$("metric").value] || {};
  if (info.first) $("asof").min = iso(info.first);
  $("asof").max = new Date().toISOString().slice(0, 10);
}

async function init() {
  try {
    const [m, g] = await Promise.all([getJSON("/api/metrics"), getJSON("/api/groups")]);
    fillGroups(g.groups);
    fillMetrics(m.metrics);
    $("leader").value = "USA";
    $("follower").value = "China";
    $("metric").value = metricInfo.eci ? "eci" : (m.metrics[0] || {}).metric;
  } catch (err) {
    $("error").hidden = false;
    $("error").textContent = err.message;
  }
  restoreFromUrl();
  setDateRange();
  // Changing the metric keeps the as-of date: only its allowed range follows the metric.
  $("metric").addEventListener("change", () => { setDateRange(); redraw(); });
  for (const id of ["leader", "follower", "attribution", "tau", "asof"]) {
    $(id).addEventListener("change", redraw);
  }
  $("latest").addEventListener("click", () => { $("asof").value = ""; redraw(); });
  for (const b of document.querySelectorAll("nav.tabs button")) {
    b.addEventListener("click", () => { view = b.dataset.view; redraw(); });
  }
  await redraw();
}

// Module scripts run in order after parsing; vega.js (first module) has set window.vegaEmbed.
init();
