// Flask-Admin's templates carry a few inline handlers and javascript: links, which our
// Content-Security-Policy refuses. Replace them with listeners before anyone clicks.
(function () {
  "use strict";
  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }
  ready(function () {
    document.querySelectorAll('a[href^="javascript:"]').forEach(function (link) {
      link.setAttribute("href", "#");
      link.addEventListener("click", function (event) { event.preventDefault(); });
    });
    document.querySelectorAll("a.filter[onclick]").forEach(function (link) {
      link.removeAttribute("onclick");
      link.addEventListener("click", function (event) { event.preventDefault(); });
    });
    document.querySelectorAll("[data-bulk-action]").forEach(function (link) {
      link.addEventListener("click", function (event) {
        event.preventDefault();
        if (window.modelActions) { window.modelActions.execute(link.getAttribute("data-bulk-action")); }
      });
    });
  });
})();
