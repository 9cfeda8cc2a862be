// The submission bot: while a check runs, follow the fetch job's JSON and reload when its
// step changes or it finishes, so progress and findings appear by themselves. Without
// JavaScript the "Check progress" button does the same.
(function () {
  "use strict";
  var box = document.querySelector("[data-bot-job-url]");
  if (!box) return;
  var url = box.getAttribute("data-bot-job-url");
  var hint = document.querySelector("[data-bot-js-hint]");
  if (hint) hint.hidden = false;
  var last = box.getAttribute("data-bot-job-state");
  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) return setTimeout(poll, 3000);
        if (data.finished || data.state !== last) {
          return window.location.reload();
        }
        setTimeout(poll, 1000);
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 700);
})();
