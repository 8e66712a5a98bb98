// The event form shows each kind only the fields it uses. A kind families book by slot (a
// conference) has no RSVP box and no capacity, but a booking close; another kind the reverse,
// its capacity only while the RSVP box is ticked. A hidden fieldset is disabled, so not sent.
(function () {
  var kind = document.getElementById("kind");
  var rsvp = document.getElementById("rsvp_requested");
  var box = document.querySelector("[data-rsvp-box]");
  var capacity = document.querySelector("[data-capacity-box]");
  var booking = document.querySelector("[data-booking-box]");
  if (!kind || !rsvp || !box || !capacity || !booking) { return; }
  var bookedBySlot = box.dataset.bookedBySlot.split(" ");
  function toggle(fieldset, off) {
    fieldset.hidden = off;
    fieldset.disabled = off;
  }
  function show() {
    var bySlot = bookedBySlot.indexOf(kind.value) !== -1;
    toggle(box, bySlot);
    toggle(capacity, bySlot || !rsvp.checked);
    toggle(booking, !bySlot);
  }
  kind.addEventListener("change", show);
  rsvp.addEventListener("change", show);
  show();
})();
