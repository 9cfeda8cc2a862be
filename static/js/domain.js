// The Domain page's Copy buttons: shown only with JS; without it the values stay selectable text.
(function () {
  "use strict";
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    var field = document.getElementById(button.getAttribute("data-copy"));
    if (!field || !navigator.clipboard) return;
    var label = button.firstChild.nodeValue;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(field.value).then(function () {
        button.firstChild.nodeValue = "Copied";
        setTimeout(function () { button.firstChild.nodeValue = label; }, 2000);
      }, function () {
        field.select();
      });
    });
  });
})();
