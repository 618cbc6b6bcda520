// The staff request page: the summary of what closing sends names the disposition and the
// exemptions as they are chosen. Without JavaScript the summary describes them in general.
(function () {
  "use strict";
  var form = document.querySelector("#action-close form");
  var out = document.getElementById("close-summary-choice");
  if (!form || !out) {
    return;
  }

  function labelOf(input) {
    var label = form.querySelector('label[for="' + input.id + '"]');
    return label ? label.textContent.trim() : input.value;
  }

  function update() {
    var select = form.querySelector('select[name="disposition"]');
    var disposition = select && select.value ? select.options[select.selectedIndex].text : "not chosen yet";
    var exemptions = Array.prototype.filter
      .call(form.querySelectorAll('input[name="exemptions"]'), function (input) {
        return input.checked;
      })
      .map(labelOf);
    out.textContent =
      "Disposition: " + disposition + ". Exemptions cited: " +
      (exemptions.length ? exemptions.join("; ") : "none") + ".";
    out.hidden = false;
  }

  form.addEventListener("change", update);
  update();
})();
