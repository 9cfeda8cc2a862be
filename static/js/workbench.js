// The reviewer's submission page. Without JavaScript everything works: a decision button
// comes back with the marked fields or a confirmation step, and ticked canned reasons are
// added to the note when the decision is sent. With it:
// - a decision button whose form is complete opens its <dialog> (a summary and "Yes, ...");
//   an incomplete one goes to the server, which marks the fields to fill;
// - the Release button asks in a <dialog> first;
// - ticking a canned reason puts its text in the note at once (and unticking takes it out).
(function () {
  "use strict";

  var CRITERIA = ["C1", "C2", "C3", "C4", "C5", "C6", "C7", "C8", "C9", "C10", "C11"];
  var JUDGED = { approve: true, reject: true };

  function open(dialog) {
    if (dialog && typeof dialog.showModal === "function") {
      dialog.showModal();
      return true;
    }
    return false;
  }

  document.querySelectorAll("[data-wb-close]").forEach(function (button) {
    button.addEventListener("click", function () {
      var dialog = button.closest("dialog");
      if (dialog) dialog.close();
    });
  });

  // Buttons that ask first (Release): their dialog holds the real submit button.
  document.querySelectorAll("[data-wb-confirm]").forEach(function (button) {
    button.addEventListener("click", function (event) {
      if (open(document.getElementById(button.getAttribute("data-wb-confirm")))) {
        event.preventDefault();
      }
    });
  });

  var form = document.querySelector("[data-wb-decision-form]");
  if (!form) return;
  var note = form.querySelector("#id_developer_note");

  // Canned reasons fill the note.
  form.querySelectorAll("input[data-canned-text]").forEach(function (box) {
    box.addEventListener("change", function () {
      if (!note) return;
      var text = box.getAttribute("data-canned-text").trim();
      var value = note.value;
      if (box.checked && value.indexOf(text) === -1) {
        note.value = value.trim() ? value.replace(/\s+$/, "") + "\n\n" + text : text;
      } else if (!box.checked) {
        note.value = value.split(text).join("").replace(/\n{3,}/g, "\n\n").trim();
      }
    });
  });

  // A field's mark goes once the reviewer answers it (the server checks again on sending).
  form.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches('input[type="radio"], textarea')) return;
    var part = input.closest(".wb-criterion-result, .wb-criterion-note, .wb-field");
    if (!part || (input.tagName === "TEXTAREA" && !input.value.trim())) return;
    part.querySelectorAll(".wb-error").forEach(function (error) { error.remove(); });
    part.querySelectorAll('[aria-invalid="true"]').forEach(function (element) {
      element.removeAttribute("aria-invalid");
    });
    var marked = input.closest(".wb-invalid");
    if (marked && !marked.querySelector(".wb-error")) marked.classList.remove("wb-invalid");
  });

  function chosen(criterion) {
    var radio = form.querySelector('input[name="result_' + criterion + '"]:checked');
    return radio ? radio.value : "";
  }

  function complete(decision) {
    if (JUDGED[decision]) {
      return CRITERIA.every(function (c) { return chosen(c) !== ""; });
    }
    return Boolean(note && note.value.trim());
  }

  function item(list, label, text) {
    var li = document.createElement("li");
    li.textContent = label + text;
    list.appendChild(li);
  }

  function summarize(dialog, decision) {
    var list = dialog.querySelector("[data-wb-summary]");
    if (!list) return;
    list.textContent = "";
    if (JUDGED[decision]) {
      var failed = CRITERIA.filter(function (c) { return chosen(c) === "fail"; });
      var na = CRITERIA.filter(function (c) { return chosen(c) === "na"; });
      item(list, "Failed: ", failed.length ? failed.join(", ") : "none");
      if (na.length) item(list, "Not applicable: ", na.join(", "));
    }
    var text = note ? note.value.trim() : "";
    item(list, "Note for the developer: ", text ? (text.length > 400 ? text.slice(0, 399) + "…" : text) : "none");
  }

  form.querySelectorAll("[data-wb-decision]").forEach(function (button) {
    button.addEventListener("click", function (event) {
      var decision = button.getAttribute("data-wb-decision");
      if (!complete(decision)) return; // the server marks what is missing
      var dialog = document.getElementById("wb-dialog-" + decision);
      if (!dialog || typeof dialog.showModal !== "function") return; // the server asks instead
      event.preventDefault();
      summarize(dialog, decision);
      open(dialog);
    });
  });
})();
