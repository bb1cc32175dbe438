// Follows a background job: polls its status every two seconds and moves the bar.
(function () {
  "use strict";
  var box = document.querySelector("[data-job-status-url]");
  if (!box) { return; }
  var url = box.getAttribute("data-job-status-url");
  function show(state) {
    box.querySelector(".job-bar").value = state.percent;
    box.querySelector(".job-percent").textContent = state.percent + "%";
    box.querySelector(".job-count").textContent = state.done;
    box.querySelector(".job-total").textContent = state.total;
    box.querySelector(".job-status").textContent = state.status_label;
    box.querySelector(".job-eta").textContent = state.time_left || "";
    if (state.download) { box.querySelector(".job-download").hidden = false; }
    if (state.finished) {
      // The finished page shows the failure or the job's message (an import's result).
      if (state.status === "failed" || state.message) { window.location.reload(); }
      return;
    }
    window.setTimeout(poll, 2000);
  }
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.json(); })
      .then(show)
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();
