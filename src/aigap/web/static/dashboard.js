// aigap dashboard: read the controls, ask the local JSON API, redraw headline and charts.
const $ = (id) => document.getElementById(id);
const LEAD = "#0072B2", FOLL = "#D55E00";   // Okabe-Ito blue and vermillion
let metricInfo = {};
let seq = 0;

function asOfDate() {
  const s = $("asof");
  if (s.value === s.max) return null;                 // rightmost = latest data
  const start = new Date(s.dataset.start + "T00:00:00Z");
  start.setUTCDate(start.getUTCDate() + Number(s.value));
  return start.toISOString().slice(0, 10);
}

function setSlider(metric) {
  const info = metricInfo[metric] || {};
  const first = info.first ? new Date(info.first + "T00:00:00Z") : new Date("2020-01-01T00:00:00Z");
  const last = info.last ? new Date(info.last + "T00:00:00Z") : new Date();
  first.setUTCDate(first.getUTCDate() + 180);        // both groups need some models
  const days = Math.max(1, Math.round((last - first) / 86400000));
  const s = $("asof");
  s.dataset.start = first.toISOString().slice(0, 10);
  s.max = String(days);
  s.value = String(days);
  $("asof-label").textContent = "latest";
}

function params() {
  const p = new URLSearchParams({
    leader: $("leader").value.trim(), follower: $("follower").value,
    metric: $("metric").value, attribution: $("attribution").value,
  });
  const tau = $("tau").value.trim();
  if (tau) p.set("tau", tau);
  const d = asOfDate();
  if (d) p.set("as_of", d);
  return p;
}

async function getJSON(url) {
  const r = await fetch(url);
  const body = await r.json();
  if (!r.ok) throw new Error(body.error || ("HTTP " + r.status));
  return body;
}

function frontierSpec(lag) {
  const L = lag.inputs.leader_group, F = lag.inputs.follower_group;
  const recs = lag.leader_records.map((r) => ({ ...r, group: L }))
    .concat(lag.follower_records.map((r) => ({ ...r, group: F })));
  const colour = { domain: [L, F], range: [LEAD, FOLL] };
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    width: 860, height: 320,
    title: { text: lag.sentence, fontSize: 13, anchor: "start", limit: 880 },
    layer: [
      { data: { values: lag.points }, mark: { type: "circle", opacity: 0.35, size: 28 },
        encoding: { x: { field: "date", type: "temporal", title: "Release date" },
          y: { field: "value", type: "quantitative", scale: { zero: false },
               title: lag.inputs.metric + " score (higher is better)" },
          color: { field: "group", type: "nominal", scale: colour, title: null,
                   legend: { orient: "bottom" } },
          tooltip: [{ field: "name" }, { field: "group" }, { field: "date", type: "temporal" },
                    { field: "value", format: ".3~f" }] } },
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

function lagSpec(lag) {
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    width: 860, height: 220, data: { values: lag.series },
    mark: { type: "line", color: FOLL },
    encoding: { x: { field: "date", type: "temporal", title: "Date" },
      y: { field: "lag_months", type: "quantitative",
           title: lag.inputs.follower_group + " behind " + lag.inputs.leader_group + " (months)" },
      tooltip: [{ field: "date", type: "temporal" }, { field: "lag_months", format: ".1f" }] },
  };
}

async function redraw() {
  const my = ++seq;
  const d = asOfDate();
  $("asof-label").textContent = d || "latest";
  document.body.classList.add("loading");
  document.body.setAttribute("aria-busy", "true");
  $("status").textContent = "";
  try {
    const p = params();
    const [lag, tr] = await Promise.all([
      getJSON("/api/lag?" + p.toString()), getJSON("/api/trend?" + p.toString())]);
    if (my !== seq) return;                            // a newer request is under way
    $("error").hidden = true;
    $("headline").textContent = lag.sentence;
    $("trend").textContent = tr.sentence;
    $("frontier-source").textContent = "Source: " + (lag.data.credits || []).join("; ") +
      (lag.data.as_of ? " Data as of " + lag.data.as_of + "." : "");
    await Promise.all([
      window.vegaEmbed("#frontier", frontierSpec(lag), { actions: false, renderer: "svg" }),
      window.vegaEmbed("#lagchart", lagSpec(lag), { actions: false, renderer: "svg" })]);
    $("status").textContent = "Updated.";
  } catch (err) {
    if (my !== seq) return;
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

async function init() {
  try {
    const m = await getJSON("/api/metrics");
    const sel = $("metric");
    sel.innerHTML = "";
    for (const row of m.metrics) {
      metricInfo[row.metric] = row;
      const o = document.createElement("option");
      o.value = o.textContent = row.metric;
      sel.appendChild(o);
    }
    sel.value = metricInfo.eci ? "eci" : (m.metrics[0] || {}).metric;
  } catch (err) {
    $("error").hidden = false;
    $("error").textContent = err.message;
  }
  setSlider($("metric").value);
  $("metric").addEventListener("change", () => { setSlider($("metric").value); redraw(); });
  for (const id of ["leader", "follower", "attribution", "tau", "asof"]) {
    $(id).addEventListener("change", redraw);
  }
  $("asof").addEventListener("input", () => { $("asof-label").textContent = asOfDate() || "latest"; });
  await redraw();
}

// Module scripts run in order after parsing; vega.js (first module) has set window.vegaEmbed.
init();
