// Sends a form that carries a chosen file with XMLHttpRequest so a <progress> bar can show
// the upload (issue 14). Attach with <form data-upload-progress> holding
// <p class="upload-progress" hidden> with <progress data-upload-bar> and
// <span data-upload-percent>. The server answers {"location": ...}
// (core.http.redirect_after_post) and the page goes there; any other answer (the form
// shown again with errors) sends the form the ordinary way. Without JavaScript the form
// is an ordinary multipart POST.
(function () {
  "use strict";
  var plain = new WeakSet();

  function hasFile(form) {
    return Array.prototype.some.call(
      form.querySelectorAll("input[type=file]"),
      function (input) { return input.files && input.files.length > 0; }
    );
  }

  function send(form, submitter) {
    var bar = form.querySelector("[data-upload-bar]");
    var percent = form.querySelector("[data-upload-percent]");
    var box = bar ? bar.closest(".upload-progress") : null;
    var data = new FormData(form);
    if (submitter && submitter.name) { data.append(submitter.name, submitter.value); }
    var request = new XMLHttpRequest();
    // getAttribute: form.action would be the buttons named "action".
    var target = form.getAttribute("action") || window.location.href;
    request.open("POST", target);
    request.setRequestHeader("X-Requested-With", "XMLHttpRequest");
    if (box) { box.hidden = false; }
    request.upload.addEventListener("progress", function (progress) {
      if (!progress.lengthComputable) { return; }
      var share = Math.round((progress.loaded / progress.total) * 100);
      if (bar) { bar.value = share; }
      if (percent) { percent.textContent = share + "%"; }
    });
    function fallback() {
      plain.add(form);
      if (form.requestSubmit) { form.requestSubmit(submitter); } else { form.submit(); }
    }
    request.addEventListener("load", function () {
      var answer = null;
      try { answer = JSON.parse(request.responseText); } catch (ignored) { answer = null; }
      if (request.status === 200 && answer && answer.location) {
        window.location.assign(answer.location);
      } else {
        fallback();
      }
    });
    request.addEventListener("error", fallback);
    request.send(data);
  }

  // Listening on the document, after the form's own listeners: a confirmation that
  // cancels the submit (event.defaultPrevented) is respected whatever the script order.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-upload-progress]")) { return; }
    if (plain.has(form)) { plain.delete(form); return; }
    if (event.defaultPrevented || !hasFile(form) || !window.FormData) { return; }
    if ((form.getAttribute("method") || "get").toLowerCase() !== "post") { return; }
    event.preventDefault();
    send(form, event.submitter || null);
  });
})();
