// Draw the Plotly figures the page carries as JSON; a click on a bar or point opens the
// list of students behind it (its customdata holds that address).
(function () {
  "use strict";
  function draw(holder) {
    var source = document.getElementById(holder.dataset.figure);
    if (!source || typeof Plotly === "undefined") { return; }
    var figure = JSON.parse(source.textContent);
    Plotly.newPlot(holder, figure.data, figure.layout,
                   {responsive: true, displaylogo: false}).then(function () {
      holder.on("plotly_click", function (event) {
        var link = event.points.length && event.points[0].customdata;
        if (link) { window.location.assign(link); }
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-figure]").forEach(draw);
  });
})();
