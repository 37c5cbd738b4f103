// Stops a submit whose chosen file is over the upload limit before anything is sent, and
// says so next to the field (the server refuses it all the same). The limit and the
// message come from the file input's data-max-bytes / data-max-message (rencai.core.forms).
// Runs before site.js's submit handler, so a stopped form can be submitted again.
(function () {
  function fieldBox(input) {
    return input.closest(".field") || input.parentNode;
  }
  function clear(input) {
    var old = fieldBox(input).querySelector(".errorlist.upload-limit");
    if (old) { old.remove(); }
  }
  function tooBig(input) {
    var max = parseInt(input.dataset.maxBytes, 10);
    if (!max || !input.files) { return false; }
    for (var i = 0; i < input.files.length; i++) {
      if (input.files[i].size > max) { return true; }
    }
    return false;
  }
  function check(input) {
    clear(input);
    if (!tooBig(input)) { return true; }
    var box = fieldBox(input), list = document.createElement("ul"), item = document.createElement("li");
    list.className = "errorlist upload-limit";
    item.textContent = input.dataset.maxMessage || "";
    list.appendChild(item);
    box.classList.add("has-error");
    input.insertAdjacentElement("afterend", list);
    return false;
  }
  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("input[type=file][data-max-bytes]")) { check(event.target); }
  }, true);
  document.addEventListener("submit", function (event) {
    var bad = null;
    event.target.querySelectorAll("input[type=file][data-max-bytes]").forEach(function (input) {
      if (!check(input) && !bad) { bad = input; }
    });
    if (bad) {
      event.preventDefault();
      event.stopImmediatePropagation();
      bad.focus();
    }
  }, true);
})();
