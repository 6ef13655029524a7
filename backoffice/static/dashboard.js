// Draws the dashboard's charts from the JSON data block the page embeds (no inline script).
(function () {
  "use strict";
  // Months still being recorded in the background: look again shortly.
  var recording = document.getElementById("review-recording");
  if (recording && recording.dataset.reloadSeconds) {
    window.setTimeout(function () { window.location.reload(); },
                      1000 * parseInt(recording.dataset.reloadSeconds, 10));
  }
})();
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
    var stacked = figure.kind === "stacked";
    new Chart(canvas, {
      type: figure.kind === "line" ? "line" : "bar",
      data: {
        labels: figure.labels,
        datasets: series.map(function (key, i) {
          return { label: figure.series_labels[key], data: figure.series[key],
                   borderColor: palette[i % palette.length], backgroundColor: palette[i % palette.length],
                   fill: false, tension: 0.2 };
        })
      },
      options: {
        responsive: true,
        animation: false,
        plugins: { title: { display: true, text: figure.title }, legend: { display: series.length > 1 } },
        scales: {
          x: { stacked: stacked, title: { display: true, text: figure.x } },
          y: { stacked: stacked, title: { display: !!figure.y, text: figure.y }, beginAtZero: true }
        }
      }
    });
  });
  // Picking a month or a filter shows it at once; the button stays for keyboards and no-script.
  var form = document.getElementById("review-filters");
  if (form) {
    form.addEventListener("change", function () { form.submit(); });
  }
})();
