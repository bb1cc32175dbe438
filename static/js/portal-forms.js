// Portal forms on a phone (issue 14, item 5). Without this file every form still works:
// the whole form shows and the server answers as usual.
//   <form data-steps> with <fieldset class="step"><legend>…</legend>…</fieldset> parts:
//     on a narrow screen one part at a time, a progress list and Previous/Next buttons.
//   <button data-confirm="Question?">: asks before the form is sent.
//   After a POST that came back with errors: a banner at the top, the first wrong field
//     focused (its step shown); after a redirect: the message banner is focused.
// Texts come from <div id="portal-texts" data-…> in base.html (translated there), because
// the CSP allows no inline script and this file has no catalogue of its own.
(function () {
  "use strict";
  var texts = document.getElementById("portal-texts");
  function text(name, fallback) {
    return (texts && texts.getAttribute("data-" + name)) || fallback;
  }
  var narrow = window.matchMedia ? window.matchMedia("(max-width: 700px)") : null;
  var steppers = [];

  function Stepper(form) {
    this.form = form;
    this.steps = Array.prototype.slice.call(form.querySelectorAll("fieldset.step"));
    this.index = 0;
    this.on = false;
    this.progress = null;
    this.nav = null;
  }

  Stepper.prototype.build = function () {
    var self = this;
    var progress = document.createElement("div");
    progress.className = "step-progress";
    var counter = document.createElement("p");
    counter.className = "step-count";
    counter.setAttribute("aria-live", "polite");
    var list = document.createElement("ol");
    this.steps.forEach(function (step, i) {
      var legend = step.querySelector("legend");
      var item = document.createElement("li");
      item.textContent = legend ? legend.textContent.trim() : String(i + 1);
      list.appendChild(item);
      step.setAttribute("tabindex", "-1");
    });
    progress.appendChild(counter);
    progress.appendChild(list);
    var nav = document.createElement("div");
    nav.className = "step-nav";
    var back = document.createElement("button");
    back.type = "button";
    back.className = "step-back";
    back.textContent = text("previous", "Previous step");
    var next = document.createElement("button");
    next.type = "button";
    next.className = "step-next";
    next.textContent = text("next", "Next step");
    back.addEventListener("click", function () { self.show(self.index - 1, true); });
    next.addEventListener("click", function () {
      // Check only this step's fields before moving on; the server checks everything.
      var fields = self.steps[self.index].querySelectorAll("input, select, textarea");
      for (var i = 0; i < fields.length; i += 1) {
        if (fields[i].willValidate && !fields[i].checkValidity()) {
          fields[i].reportValidity();
          return;
        }
      }
      self.show(self.index + 1, true);
    });
    nav.appendChild(back);
    nav.appendChild(next);
    this.progress = progress;
    this.counter = counter;
    this.list = list;
    this.nav = nav;
    this.back = back;
    this.next = next;
  };

  Stepper.prototype.show = function (index, moveFocus) {
    var self = this;
    this.index = Math.max(0, Math.min(index, this.steps.length - 1));
    this.steps.forEach(function (step, i) { step.hidden = i !== self.index; });
    Array.prototype.forEach.call(this.list.children, function (item, i) {
      item.className = i < self.index ? "done" : (i === self.index ? "current" : "");
      if (i === self.index) { item.setAttribute("aria-current", "step"); }
      else { item.removeAttribute("aria-current"); }
    });
    this.counter.textContent = text("step-of", "Step {n} of {total}")
      .replace("{n}", String(this.index + 1))
      .replace("{total}", String(this.steps.length));
    this.back.hidden = this.index === 0;
    this.next.hidden = this.index === this.steps.length - 1;
    var current = this.steps[this.index];
    current.parentNode.insertBefore(this.nav, current.nextSibling);
    if (moveFocus) {
      current.focus({ preventScroll: true });
      this.progress.scrollIntoView({ block: "start" });
    }
  };

  Stepper.prototype.enable = function () {
    if (this.on || this.steps.length < 2) { return; }
    if (!this.progress) { this.build(); }
    this.on = true;
    this.form.classList.add("stepping");
    this.steps[0].parentNode.insertBefore(this.progress, this.steps[0]);
    this.show(this.index, false);
  };

  Stepper.prototype.disable = function () {
    if (!this.on) { return; }
    this.on = false;
    this.form.classList.remove("stepping");
    this.steps.forEach(function (step) { step.hidden = false; });
    this.progress.remove();
    this.nav.remove();
  };

  Stepper.prototype.reveal = function (element) {
    if (!this.on) { return; }
    var step = element.closest("fieldset.step");
    var i = this.steps.indexOf(step);
    if (i >= 0 && i !== this.index) { this.show(i, false); }
  };

  function stepperOf(element) {
    for (var i = 0; i < steppers.length; i += 1) {
      if (steppers[i].form.contains(element)) { return steppers[i]; }
    }
    return null;
  }

  function layout() {
    steppers.forEach(function (stepper) {
      if (narrow && narrow.matches) { stepper.enable(); } else { stepper.disable(); }
    });
  }

  document.querySelectorAll("form[data-steps]").forEach(function (form) {
    steppers.push(new Stepper(form));
  });
  layout();
  if (narrow) {
    if (narrow.addEventListener) { narrow.addEventListener("change", layout); }
    else if (narrow.addListener) { narrow.addListener(layout); }
  }

  // A field the browser refuses may sit in a hidden step: show that step before the
  // browser looks for it (click comes before the browser's own check).
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button[type=submit], input[type=submit]");
    if (!button || !button.form || button.formNoValidate || button.form.noValidate) { return; }
    var stepper = stepperOf(button.form);
    if (!stepper || !stepper.on || button.form.checkValidity()) { return; }
    var invalid = button.form.querySelector(":invalid:not(fieldset)");
    if (invalid) { stepper.reveal(invalid); }
  }, true);

  // Ask before sending for good. Capture phase on the document: runs before any handler
  // on the form itself (upload-progress.js skips a submit whose default was prevented).
  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    var question = button && button.getAttribute("data-confirm");
    if (!question || event.target.getAttribute("data-confirmed") === "yes") { return; }
    if (window.confirm(question)) {
      // upload-progress.js may send the form again after its own attempt.
      event.target.setAttribute("data-confirmed", "yes");
    } else {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  // After the server sent the form back with errors: say so at the top, then go to the
  // first wrong field (its step first, on a phone).
  var main = document.querySelector("main") || document.body;
  var firstError = main.querySelector("form [aria-invalid=true], form .errorlist, form ul.error");
  if (firstError) {
    var field = firstError;
    if (firstError.classList.contains("errorlist") && !firstError.classList.contains("nonfield")) {
      var box = firstError.closest(".field, div, td, p") || firstError.parentNode;
      field = box.querySelector("input:not([type=hidden]), select, textarea") || firstError;
    }
    var count = main.querySelectorAll("form .errorlist li, form ul.error li").length || 1;
    var banner = document.createElement("p");
    banner.className = "error-banner";
    banner.setAttribute("role", "alert");
    banner.textContent = text("errors", "Please correct the {n} marked field(s) below.").replace("{n}", String(count));
    main.insertBefore(banner, main.firstChild);
    var stepper = stepperOf(field);
    if (stepper) { stepper.reveal(field); }
    if (field.focus) {
      if (!field.hasAttribute("tabindex") && !/^(INPUT|SELECT|TEXTAREA|BUTTON|A)$/.test(field.tagName)) {
        field.setAttribute("tabindex", "-1");
      }
      field.focus({ preventScroll: true });
      field.scrollIntoView({ block: "center" });
    }
    return;
  }
  // After a redirect (saved, submitted…): the message banner at the top gets the focus so
  // that it is read out, and the page starts there.
  var messages = main.querySelector(".messages");
  if (messages) {
    messages.setAttribute("tabindex", "-1");
    messages.focus({ preventScroll: true });
    window.scrollTo(0, 0);
  }
})();
