// A plugin logo that fails to load (the developer's server is down, or blocks us) is
// replaced by the plugin's initial, the same placeholder shown when there is no logo.
(function () {
  "use strict";
  function swap(img) {
    var span = document.createElement("span");
    span.className = "plugin-logo plugin-logo-fallback";
    span.setAttribute("aria-hidden", "true");
    span.textContent = img.getAttribute("data-initial") || "";
    span.style.width = img.getAttribute("width") + "px";
    span.style.height = img.getAttribute("height") + "px";
    img.replaceWith(span);
  }
  document.querySelectorAll("img.plugin-logo").forEach(function (img) {
    if (img.complete && img.naturalWidth === 0) swap(img);
    else img.addEventListener("error", function () { swap(img); });
  });
})();
