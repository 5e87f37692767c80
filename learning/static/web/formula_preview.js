// The quiz page's formula fields: as the learner types, the server parses the formula
// (POST /api/v1/questions/{id}/preview/, never evaluated) and the page shows it as MathML,
// or the parse error with its position. Debounced; the form works without it.
(function () {
  "use strict";
  var DELAY_MS = 250;
  var tokenField = document.querySelector("input[name=csrfmiddlewaretoken]");
  var token = tokenField ? tokenField.value : "";

  function show(output, answer, text) {
    output.textContent = "";
    if (answer.error) {
      // The message names the column; the formula is shown with that character marked.
      var message = document.createElement("span");
      message.className = "preview-error";
      message.textContent = answer.error.message;
      output.appendChild(message);
      var at = answer.error.position;
      if (typeof at === "number" && at >= 0 && at <= text.length) {
        var code = document.createElement("code");
        code.className = "preview-where";
        code.appendChild(document.createTextNode(text.slice(0, at)));
        var mark = document.createElement("mark");
        mark.textContent = text.slice(at, at + 1) || " ";
        code.appendChild(mark);
        code.appendChild(document.createTextNode(text.slice(at + 1)));
        output.appendChild(document.createTextNode(" "));
        output.appendChild(code);
      }
      return;
    }
    if (answer.mathml) {
      // MathML sanitized by the server (learning.rendering.render_formula).
      var doc = new DOMParser().parseFromString(answer.mathml, "text/html");
      Array.prototype.forEach.call(doc.body.childNodes, function (node) {
        output.appendChild(document.importNode(node, true));
      });
    }
  }

  function watch(input) {
    var output = document.getElementById(input.id + "-preview");
    if (!output) return;
    var timer = null;
    var asked = 0;

    function ask() {
      var text = input.value;
      var mine = ++asked;
      if (!text.trim()) { output.textContent = ""; return; }
      fetch(input.dataset.previewUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": token, "Accept": "application/json" },
        body: JSON.stringify({ expression: text })
      }).then(function (response) {
        return response.ok ? response.json() : null;
      }).then(function (answer) {
        if (answer && mine === asked) show(output, answer, text);
      }).catch(function () { /* offline: the form still submits */ });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(ask, DELAY_MS);
    });
    if (input.value.trim()) ask();
  }

  Array.prototype.forEach.call(document.querySelectorAll("input.formula-input[data-preview-url]"), watch);
})();
