// Warns before leaving a page whose form has unsaved changes (issue 14). Attach with
// <form data-unsaved-warning>; sending the form itself is not leaving it unsaved.
(function () {
  "use strict";
  var forms = document.querySelectorAll("form[data-unsaved-warning]");
  if (!forms.length) { return; }
  var dirty = false;
  function mark() { dirty = true; }
  forms.forEach(function (form) {
    form.addEventListener("input", mark);
    form.addEventListener("change", mark);
    form.addEventListener("submit", function () { dirty = false; });
  });
  window.addEventListener("beforeunload", function (event) {
    if (!dirty) { return; }
    // Browsers show their own text; both calls are needed across browsers.
    event.preventDefault();
    event.returnValue = "";
  });
})();
