// The event form: no RSVP box for a kind families book by slot (a conference). The box's
// fieldset is hidden and disabled, so a ticked box is not sent either.
(function () {
  var kind = document.getElementById("kind");
  var box = document.querySelector("[data-rsvp-box]");
  if (!kind || !box) { return; }
  var bookedBySlot = box.dataset.bookedBySlot.split(" ");
  function show() {
    var off = bookedBySlot.indexOf(kind.value) !== -1;
    box.hidden = off;
    box.disabled = off;
  }
  kind.addEventListener("change", show);
  show();
})();
