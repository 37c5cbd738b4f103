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

// Draft sections marked data-autosave save as the applicant types (FAQ: nothing typed is
// lost). The server answers JSON for the status line; the Save button still works
// without JavaScript, and leaving with unsaved changes asks first.
document.querySelectorAll("form[data-autosave]").forEach(function (form) {
  var status = form.querySelector(".autosave-status");
  var timer = null, dirty = false, inflight = false;
  function save() {
    if (inflight) { timer = setTimeout(save, 500); return; }
    inflight = true;
    fetch(form.dataset.autosave, {
      method: "POST", body: new FormData(form), credentials: "same-origin",
      headers: { "X-Rencai-Autosave": "1", "Accept": "application/json" }
    }).then(function (response) {
      return response.json().then(function (data) {
        if (response.ok && data.ok) { dirty = false; form.classList.remove("is-dirty"); }
        if (status) { status.textContent = data.message || ""; }
      });
    }).catch(function () {
      if (status) { status.textContent = status.dataset.offline || "网络异常，尚未保存"; }
    }).finally(function () { inflight = false; });
  }
  function changed(event) {
    if (event.target.type === "search" || event.target.closest("[data-no-autosave]")) { return; }
    dirty = true;
    form.classList.add("is-dirty");
    clearTimeout(timer);
    timer = setTimeout(save, 1200);
  }
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("submit", function () { dirty = false; clearTimeout(timer); });
  window.addEventListener("beforeunload", function (event) {
    if (dirty) { event.preventDefault(); event.returnValue = ""; }
  });
});

// ux (issue #11): a page that opens with an error summary moves focus to it, so screen
// readers announce it first (GOV.UK pattern); without JS the #error-summary anchor scrolls there.
(function () {
  var summary = document.querySelector(".error-summary[tabindex]");
  if (summary) { summary.focus(); }
})();
