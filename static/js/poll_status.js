// Poll a JSON status URL until show(status) returns true (shared by the progress pages).
window.pollStatus = function (url, show) {
  function poll() {
    fetch(url, {headers: {Accept: "application/json"}})
      .then(function (response) { return response.json(); })
      .then(function (status) { if (!show(status)) { setTimeout(poll, 1500); } })
      .catch(function () { setTimeout(poll, 5000); });
  }
  poll();
};
