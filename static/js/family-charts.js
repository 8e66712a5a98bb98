// Draw the Plotly figures embedded as JSON in data-figure attributes (family pages).
document.querySelectorAll("[data-figure]").forEach(function (element) {
  var figure = JSON.parse(element.getAttribute("data-figure"));
  Plotly.newPlot(element, figure.data, figure.layout,
                 {responsive: true, displayModeBar: false, staticPlot: false});
});
