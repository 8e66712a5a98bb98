// Keep a campaign's send report up to date while the worker sends it.
(function () {
  var box = document.getElementById("campaign-progress");
  if (!box) { return; }
  var bar = document.getElementById("send-progress");
  var state = document.getElementById("send-state");
  function show(status) {
    Object.keys(status).forEach(function (key) {
      var cell = box.querySelector('[data-count="' + key + '"]');
      if (cell) { cell.textContent = status[key]; }
    });
    bar.max = status.emails || 1;
    bar.value = status.sent + status.failed;
    if (status.done) { state.textContent = state.dataset.done || "Finished."; }
    return status.done;
  }
  window.pollStatus(box.dataset.statusUrl, show);
})();
