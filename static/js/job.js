// Follows a fetch job's progress: polls its JSON every second and reloads when the step changes.
(function () {
  "use strict";
  var box = document.querySelector("[data-job-polling]");
  if (!box) return;
  var url = box.getAttribute("data-job-url");
  var last = null;
  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) return setTimeout(poll, 3000);
        if (last !== null && data.state !== last) return window.location.reload();
        last = data.state;
        if (data.finished) return window.location.reload();
        setTimeout(poll, 1000);
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  poll();
})();
