// Draw the profile's trend charts from the Plotly figures the server built.
document.querySelectorAll(".chart[data-figure]").forEach(function (element) {
  var figure = JSON.parse(element.dataset.figure);
  Plotly.newPlot(element, figure.data, figure.layout, {displayModeBar: false, responsive: true});
});
