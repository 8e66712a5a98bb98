// Draw every Plotly figure on the page. An element with data-figure holds the figure's
// JSON, or the id of a <script type="application/json"> that holds it. Plotly itself (the
// app's own copy) is loaded only on pages that have a chart. A click on a bar or point whose
// customdata is a link to the portal opens the list of students behind it.
(function () {
  "use strict";
  var loader = document.currentScript;

  function figureOf(element) {
    var source = element.getAttribute("data-figure");
    var holder = document.getElementById(source);
    return JSON.parse(holder ? holder.textContent : source);
  }

  function draw(element) {
    var figure = figureOf(element);
    Plotly.newPlot(element, figure.data, figure.layout,
                   // No tool bar: its buttons are noise for a reader (the table under the
                   // chart holds the numbers), and its "share" button must never send data out.
                   {responsive: true, displaylogo: false, displayModeBar: false}).then(function () {
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

  function drawAll() {
    var charts = document.querySelectorAll("[data-figure]");
    if (!charts.length) { return; }
    if (typeof Plotly !== "undefined") { charts.forEach(draw); return; }
    takeStyleIds();
    var script = document.createElement("script");
    script.src = loader.getAttribute("data-plotly");
    script.onload = function () { charts.forEach(draw); };
    document.head.appendChild(script);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
