// Fill each share bar (data-share: a percentage) through the CSSOM: the Content-Security-Policy
// forbids style="" attributes in the templates.
(function () {
  document.querySelectorAll(".events-bar[data-share]").forEach(function (bar) {
    bar.style.setProperty("--share", Number(bar.dataset.share) + "%");
  });
})();
