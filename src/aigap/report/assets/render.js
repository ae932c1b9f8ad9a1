// Draw every chart of the report from the Vega-Lite specs embedded in the page.
// Runs after the inline Vega bundle (both are module scripts, which run in order).
for (const el of document.querySelectorAll("div.chart[data-spec]")) {
  const spec = JSON.parse(document.getElementById(el.dataset.spec).textContent);
  window.vegaEmbed(el, spec, { actions: false, renderer: "svg" })
    .then(() => { el.classList.remove("loading"); el.dataset.rendered = "1"; })
    .catch((err) => {
      el.classList.remove("loading");
      el.textContent = "This chart could not be drawn: " + err;
      console.error(err);
    });
}
