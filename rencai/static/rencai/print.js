// Printing: lazily loaded images below the fold (attachment thumbnails) would print blank,
// and a print started now cannot wait for them. So once the page has loaded and the
// browser is idle, the few attachment thumbnails are fetched anyway; other lazy images
// only when printing starts.
(function () {
  function eager(selector) {
    document.querySelectorAll(selector).forEach(function (img) { img.loading = "eager"; });
  }
  window.addEventListener("beforeprint", function () { eager("img[loading=lazy]"); });
  window.addEventListener("load", function () {
    var later = window.requestIdleCallback || function (fn) { window.setTimeout(fn, 200); };
    later(function () { eager("img.case-thumb[loading=lazy]"); });
  });
})();
