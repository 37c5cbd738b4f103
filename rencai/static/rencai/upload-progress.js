// Multi-file upload with a progress bar (issue #11). Without JS the form posts as usual;
// with it, the same POST goes by XHR so that upload progress can be shown, then the page
// the server answered is shown (the edit page after the redirect, or the page with each
// refused file named). upload-limit.js has already stopped files over the size limit.
(function () {
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
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.upload.addEventListener("progress", function (e) {
        if (!e.lengthComputable) { return; }
        var percent = Math.round((e.loaded / e.total) * 100);
        bar.value = percent;
        label.textContent = (form.dataset.progressLabel || "") + " " + percent + "%";
      });
      xhr.addEventListener("load", function () {
        if (xhr.status < 400 && xhr.responseURL) {
          window.location.assign(xhr.responseURL);  // after the redirect: show it
          return;
        }
        document.open();
        document.write(xhr.responseText);  // the page naming each refused file
        document.close();
      });
      xhr.addEventListener("error", function () {
        form.dataset.submitting = "0";
        bar.hidden = true;
        label.textContent = form.dataset.progressError || "";
      });
      bar.hidden = false;
      label.textContent = form.dataset.progressLabel || "";
      xhr.send(new FormData(form));
    });
  }
  document.querySelectorAll("form[data-upload-progress]").forEach(setup);
})();
