// Draw every Plotly figure on the page. An element with data-figure holds the figure's
// JSON, or the id of a <script type="application/json"> that holds it. Plotly itself (the
// app's own copy) is loaded only on pages that have a chart. A click on a bar or point whose
// customdata is a link to the portal opens the list of students behind it. Charts speak the
// page's language (month names, separators: plotly-locale/<lang>.json beside plotly.min.js)
// and, on a right-to-left page, put their legend and value axis on the right.
(function () {
  "use strict";
  var loader = document.currentScript;
  var language = document.documentElement.lang || "en";
  var rightToLeft = document.documentElement.dir === "rtl";

  function figureOf(element) {
    var source = element.getAttribute("data-figure");
    var holder = document.getElementById(source);
    return JSON.parse(holder ? holder.textContent : source);
  }

  function draw(element) {
    var figure = figureOf(element);
    var layout = figure.layout || {};
    if (rightToLeft) {
      layout.legend = Object.assign({x: 1, xanchor: "right"}, layout.legend);
      layout.yaxis = Object.assign({side: "right"}, layout.yaxis);
    }
    Plotly.newPlot(element, figure.data, layout,
                   // No tool bar: its buttons are noise for a reader (the table under the
                   // chart holds the numbers), and its "share" button must never send data out.
                   {responsive: true, displaylogo: false, displayModeBar: false,
                    locale: language}).then(function () {
      element.on("plotly_click", function (event) {
        var link = event.points.length && event.points[0].customdata;
        if (typeof link === "string" && link.charAt(0) === "/") { window.location.assign(link); }
      });
    });
  }

  // Plotly skips the inline <style> elements (which the CSP forbids) whose ids are taken.
  function takeStyleIds() {
    (loader.getAttribute("data-plotly-placeholders") || "").split(" ").forEach(function (id) {
      if (id && !document.getElementById(id)) {
        var placeholder = document.createElement("meta");
        placeholder.id = id;
        document.head.appendChild(placeholder);
      }
    });
  }

  // Register the page language's Plotly locale, then draw (in English if it cannot be had).
  function drawInLanguage(charts) {
    function drawEach() { charts.forEach(draw); }
    if (language === "en") { drawEach(); return; }
    var plotlyUrl = new URL(loader.getAttribute("data-plotly"), window.location.href);
    fetch(new URL("plotly-locale/" + language + ".json", plotlyUrl), {credentials: "same-origin"})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (locale) { if (locale) { Plotly.register(locale); } })
      .catch(function () { return null; })
      .then(drawEach);
  }

  function drawAll() {
    var charts = document.querySelectorAll("[data-figure]");
    if (!charts.length) { return; }
    if (typeof Plotly !== "undefined") { drawInLanguage(charts); return; }
    takeStyleIds();
    var script = document.createElement("script");
    script.src = loader.getAttribute("data-plotly");
    script.onload = function () { drawInLanguage(charts); };
    document.head.appendChild(script);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
