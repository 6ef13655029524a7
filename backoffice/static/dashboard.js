// Draws the dashboard's charts from the JSON data block the page embeds (no inline script).
(function () {
  "use strict";
  var block = document.getElementById("dashboard-data");
  if (!block || typeof Chart === "undefined") { return; }
  var figures = JSON.parse(block.textContent);
  var palette = ["#2f6fb0", "#d9822b", "#3a9d5d", "#b03a48", "#7a5fb0", "#8c8c8c"];
  Object.keys(figures).forEach(function (name) {
    var figure = figures[name];
    var canvas = document.getElementById("chart-" + name);
    if (!canvas) { return; }
    var series = Object.keys(figure.series);
    var line = figure.x === "Month";
    new Chart(canvas, {
      type: line ? "line" : "bar",
      data: {
        labels: figure.labels,
        datasets: series.map(function (label, i) {
          return { label: label, data: figure.series[label], borderColor: palette[i % palette.length],
                   backgroundColor: palette[i % palette.length], fill: false, tension: 0.2 };
        })
      },
      options: {
        responsive: true,
        plugins: { title: { display: true, text: figure.title }, legend: { display: series.length > 1 } },
        scales: {
          x: { title: { display: true, text: figure.x } },
          y: { title: { display: true, text: figure.y }, beginAtZero: true, ticks: { precision: 0 } }
        }
      }
    });
  });
})();
