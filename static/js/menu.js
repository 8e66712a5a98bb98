// The phone menu: on a narrow screen the navigation folds behind the Menu button, which opens
// and closes it (click, Enter or Space) and tells screen readers so through aria-expanded.
// Escape closes it and gives the focus back to the button. Without this script the button
// stays hidden and every link stays in view.
(function () {
  "use strict";

  function setUp(button) {
    var menu = document.getElementById(button.getAttribute("aria-controls"));
    if (!menu) { return; }

    function show(open) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
      menu.classList.toggle("is-open", open);
    }

    button.addEventListener("click", function () {
      show(button.getAttribute("aria-expanded") !== "true");
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
        show(false);
        button.focus();
      }
    });
    show(false);
    button.hidden = false;
    document.documentElement.classList.add("has-menu-button");
  }

  document.addEventListener("DOMContentLoaded", function () {
    var button = document.querySelector(".menu-button[aria-controls]");
    if (button) { setUp(button); }
  });
}());
