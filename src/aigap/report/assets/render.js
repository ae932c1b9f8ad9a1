// Draw every chart of the report from the Vega-Lite specs embedded in the page, and wire each
// chart's PNG/SVG download buttons. Runs after the inline Vega bundle (both are module
// scripts, which run in order). Nothing here makes a request: the page stays offline.

const charts = Array.from(document.querySelectorAll("div.chart[data-spec]"));

function specOf(key) {
  return JSON.parse(document.getElementById("spec-" + key).textContent);
}

// The stand-alone chart for a file: fixed width, the finding as its title, the source line
// underneath (the page prints those as text around the chart instead).
function exportSpec(key) {
  const { config, $schema, autosize, ...inner } = specOf(key);
  const meta = JSON.parse(document.getElementById("meta-" + key).textContent);
  if (inner.width === "container") inner.width = 720;
  const head = { text: meta.title, anchor: "start" };
  if (meta.subtitle.length) head.subtitle = meta.subtitle;
  return {
    $schema, config, padding: 10,
    vconcat: [{ vconcat: [inner], title: head }],
    title: { text: meta.source, orient: "bottom", anchor: "start", fontSize: 10,
             fontWeight: "normal", color: "#555", offset: 8 },
  };
}

async function download(key, type) {
  const holder = document.createElement("div");   // off-page: the file's own layout
  const { view } = await window.vegaEmbed(holder, exportSpec(key),
                                          { actions: false, renderer: "svg" });
  try {
    const url = await view.toImageURL(type, type === "png" ? 2 : 1);
    const a = document.createElement("a");
    a.href = url;
    a.download = key + "." + type;
    document.body.appendChild(a);
    a.click();
    a.remove();
  } finally {
    view.finalize();
  }
}

for (const button of document.querySelectorAll("button[data-export]")) {
  button.addEventListener("click", () => {
    button.disabled = true;
    download(button.dataset.key, button.dataset.export)
      .catch((err) => { console.error(err); alert("Could not export this chart: " + err); })
      .finally(() => { button.disabled = false; });
  });
}

let pending = charts.length;
for (const el of charts) {
  const spec = JSON.parse(document.getElementById(el.dataset.spec).textContent);
  window.vegaEmbed(el, spec, { actions: false, renderer: "svg" })
    .then(() => { el.classList.remove("loading"); el.dataset.rendered = "1"; })
    .catch((err) => {
      el.classList.remove("loading");
      el.dataset.rendered = "error";
      el.textContent = "This chart could not be drawn: " + err;
      console.error(err);
    })
    .finally(() => { if (--pending === 0) document.body.dataset.charts = "done"; });
}
if (!charts.length) document.body.dataset.charts = "done";

// Charts inside closed <details> were laid out at zero width: re-measure when one opens.
for (const d of document.querySelectorAll("details")) {
  d.addEventListener("toggle", () => { if (d.open) window.dispatchEvent(new Event("resize")); });
}
