// Multi-file upload with a progress bar (issue #11). Without JS the form posts as usual
// (a plain multiple-file input, the server redirects to /edit/#attachments). With JS the
// same POST goes by XHR so that upload progress can be shown; the request says so
// (X-Rencai-Upload), and on success the server answers {"next": "/…/edit/#attachments"}
// instead of a redirect, so the flash message is not used up by the XHR. Going there:
// a URL that differs from this page's only in its fragment would just scroll (no reload,
// the new files would not be listed), so that case sets the URL and reloads (and scrolls
// to the fragment once reloaded, not to the old scroll position).
// A refused upload answers the edit page naming each refused file: it is shown as is.
// upload-limit.js has already stopped files over the size limit.
(function () {
  var SCROLL_KEY = "rencai-upload-scroll";

  function scrollBack() {
    var hash = null;
    try {
      hash = window.sessionStorage.getItem(SCROLL_KEY);
      window.sessionStorage.removeItem(SCROLL_KEY);
    } catch (e) { return; }
    var target = hash && hash === window.location.hash && document.getElementById(hash.slice(1));
    if (target) { target.scrollIntoView(); }
  }

  function go(next) {
    var target = new URL(next, window.location.href);
    var here = new URL(window.location.href);
    target.hash = target.hash || "#attachments";
    if (target.pathname === here.pathname && target.search === here.search) {
      window.history.replaceState(null, "", target.href);
      // A reload would restore the old scroll position: the reloaded page scrolls itself.
      if ("scrollRestoration" in window.history) { window.history.scrollRestoration = "manual"; }
      try { window.sessionStorage.setItem(SCROLL_KEY, target.hash); } catch (e) { /* private mode */ }
      window.location.reload();
      return;
    }
    window.location.replace(target.href);
  }

  function setup(form) {
    var bar = document.createElement("progress");
    bar.className = "upload-progress";
    bar.max = 100;
    bar.value = 0;
    bar.hidden = true;
    var label = document.createElement("span");
    label.className = "upload-progress-text muted";
    label.setAttribute("role", "status");
    label.setAttribute("aria-live", "polite");
    var button = form.querySelector("button[type=submit]");
    (button || form.lastElementChild).insertAdjacentElement("afterend", label);
    label.insertAdjacentElement("beforebegin", bar);

    form.addEventListener("submit", function (event) {
      if (event.defaultPrevented || !window.FormData || !window.XMLHttpRequest) { return; }
      event.preventDefault();
      if (form.dataset.uploading === "1") { return; }
      form.dataset.uploading = "1";
      if (button) { button.disabled = true; }
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.setRequestHeader("X-Rencai-Upload", "1");
      xhr.upload.addEventListener("progress", function (e) {
        if (!e.lengthComputable) { return; }
        var percent = Math.round((e.loaded / e.total) * 100);
        bar.value = percent;
        label.textContent = (form.dataset.progressLabel || "") + " " + percent + "%";
      });
      xhr.addEventListener("load", function () {
        var type = xhr.getResponseHeader("Content-Type") || "";
        if (xhr.status < 400 && type.indexOf("application/json") === 0) {
          bar.value = 100;
          go(JSON.parse(xhr.responseText).next);
          return;
        }
        if (xhr.status < 400 && xhr.responseURL) {  // a redirect the XHR followed
          go(xhr.responseURL);
          return;
        }
        document.open();
        document.write(xhr.responseText);  // the page naming each refused file
        document.close();
      });
      xhr.addEventListener("error", function () {
        form.dataset.uploading = "0";
        form.dataset.submitting = "0";
        if (button) { button.disabled = false; }
        bar.hidden = true;
        label.textContent = form.dataset.progressError || "";
      });
      bar.hidden = false;
      label.textContent = form.dataset.progressLabel || "";
      xhr.send(new FormData(form));
    });
  }
  scrollBack();
  document.querySelectorAll("form[data-upload-progress]").forEach(setup);
})();
