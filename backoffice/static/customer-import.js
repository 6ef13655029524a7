// Follows a customer import the worker is running: asks for its progress every second and
// shows the next page (preview, summary or error) once the job moves on, or the offer to
// start it again once it stops moving. Without scripts, the page's Refresh link does the
// same by hand.
(function () {
  "use strict";
  var box = document.getElementById("import-progress");
  if (!box || !window.fetch) { return; }
  var bar = document.getElementById("import-bar");
  var done = document.getElementById("import-done");
  var total = document.getElementById("import-total");
  var shown = box.getAttribute("data-status");
  var stalled = box.getAttribute("data-stalled") === "yes";
  var url = box.getAttribute("data-status-url");

  function number(n) { return n.toLocaleString("en-US"); }

  function poll() {
    var moved = false;
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (job) {
        if (!job) { return; }
        if (job.status !== shown || job.stalled !== stalled) { moved = true; window.location.reload(); return; }
        bar.max = Math.max(job.total, 1);
        bar.value = job.done;
        done.textContent = number(job.done);
        total.textContent = number(job.total);
      })
      .catch(function () { /* a missed beat: the next one tries again */ })
      .then(function () { if (!moved) { window.setTimeout(poll, 1000); } });
  }
  window.setTimeout(poll, 1000);
})();
