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
  function poll() {
    fetch(box.dataset.statusUrl, {headers: {Accept: "application/json"}})
      .then(function (response) { return response.json(); })
      .then(function (status) { if (!show(status)) { setTimeout(poll, 1500); } })
      .catch(function () { setTimeout(poll, 5000); });
  }
  poll();
})();
