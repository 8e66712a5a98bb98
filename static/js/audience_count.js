// Show how many guardians the audience reaches while the sender builds it.
(function () {
  var form = document.getElementById("campaign-form");
  var output = document.getElementById("recipient-count");
  if (!form || !output) { return; }
  var timer = null;
  function refresh() {
    var params = new URLSearchParams(new FormData(form));
    fetch(form.dataset.countUrl + "?" + params.toString(), {headers: {Accept: "application/json"}})
      .then(function (response) { return response.json(); })
      .then(function (count) {
        output.textContent = count.errors ? "—" :
          output.dataset.label.replace("GUARDIANS", count.guardians)
          .replace("STUDENTS", count.students);
      });
  }
  form.addEventListener("change", function () { clearTimeout(timer); timer = setTimeout(refresh, 300); });
  form.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(refresh, 500); });
  refresh();
})();
