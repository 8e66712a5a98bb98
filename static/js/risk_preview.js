// Recount the risk lists while an administrator edits the settings: the page's own
// "Preview the lists" button, sent in the background after a pause; nothing is saved.
(function () {
  var form = document.getElementById("risk-settings");
  var output = document.getElementById("risk-preview");
  if (!form || !output || !window.fetch || !window.DOMParser) { return; }
  var timer = null;
  function refresh() {
    var data = new FormData(form);
    data.append("preview", "1");
    output.setAttribute("aria-busy", "true");
    fetch(form.action || window.location.href, {method: "POST", body: data,
                                                credentials: "same-origin"})
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        var fresh = page.getElementById("risk-preview");
        output.textContent = fresh ? fresh.textContent : "";
        output.removeAttribute("aria-busy");
      });
  }
  function later() { clearTimeout(timer); timer = setTimeout(refresh, 700); }
  form.addEventListener("change", later);
  form.addEventListener("input", later);
})();
