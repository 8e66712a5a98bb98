// Follow an import the worker is running; reload the page to show its outcome when it ends.
(function () {
  var box = document.getElementById("import-progress");
  if (!box || box.dataset.finished === "true") { return; }
  var bar = document.getElementById("import-bar");
  function show(status) {
    box.querySelector('[data-field="status"]').textContent = status.status;
    box.querySelector('[data-field="label"]').textContent = status.label;
    bar.max = status.total || 1;
    bar.value = status.done;
    if (status.finished) { window.location.reload(); }
    return status.finished;
  }
  window.pollStatus(box.dataset.statusUrl, show);
})();
