// Progressive enhancement only: every page works without JavaScript.
// A form submits once: the second click on a busy form is ignored
// (the server also de-duplicates by a one-time form token).
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (form.dataset.submitting === "1") { event.preventDefault(); return; }
  form.dataset.submitting = "1";
  form.querySelectorAll("button[type=submit], input[type=submit]").forEach(function (b) { b.classList.add("is-busy"); });
  // Allow a new submit after a back-navigation restores the page from cache.
  window.addEventListener("pageshow", function () { form.dataset.submitting = "0"; }, { once: true });
}, true);
