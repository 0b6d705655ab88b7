/* Suggestions while typing in the site search boxes (progressive enhancement).
 *
 * Every <input data-search-autocomplete="URL"> becomes an ARIA 1.2 combobox with a listbox of
 * titles fetched from URL?q=... (the API's autocomplete). Keyboard: Down/Up move through the
 * suggestions (aria-activedescendant), Enter opens the active one, Escape closes the list (a
 * second Escape clears the box). Without an active suggestion Enter submits the form as usual,
 * so the search works without this script. No inline script or handlers (CSP). */
(function () {
  "use strict";

  var DELAY_MS = 150;
  var MIN_CHARS = 2;
  var counter = 0;

  function setup(input) {
    var url = input.getAttribute("data-search-autocomplete");
    if (!url || !window.fetch) { return; }
    counter += 1;
    var id = (input.id || "search-input-" + counter) + "-suggestions";
    var wrapper = input.parentNode;

    var list = document.createElement("ul");
    list.id = id;
    list.className = "search-suggestions";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Suggestions");
    list.hidden = true;
    wrapper.appendChild(list);

    var live = document.createElement("div");
    live.className = "visually-hidden";
    live.setAttribute("aria-live", "polite");
    wrapper.appendChild(live);

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", id);

    var items = [];
    var active = -1;
    var timer = null;
    var controller = null;
    var lastQuery = null;

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function setActive(index) {
      var options = list.querySelectorAll("[role=option]");
      if (!options.length) { return; }
      if (index < 0) { index = options.length - 1; }
      if (index >= options.length) { index = 0; }
      for (var i = 0; i < options.length; i++) {
        options[i].setAttribute("aria-selected", i === index ? "true" : "false");
      }
      active = index;
      input.setAttribute("aria-activedescendant", options[index].id);
      if (options[index].scrollIntoView) { options[index].scrollIntoView({block: "nearest"}); }
    }

    function go(index) {
      var item = items[index];
      if (item && item.url) { window.location.assign(item.url); }
    }

    function render(suggestions) {
      items = suggestions;
      list.textContent = "";
      active = -1;
      input.removeAttribute("aria-activedescendant");
      if (!suggestions.length) {
        close();
        live.textContent = "";
        return;
      }
      suggestions.forEach(function (item, index) {
        var option = document.createElement("li");
        option.id = id + "-" + index;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.className = "search-suggestion";
        var title = document.createElement("span");
        title.className = "search-suggestion__title";
        title.textContent = item.title;
        var kind = document.createElement("span");
        kind.className = "search-suggestion__type";
        kind.textContent = item.type_label;
        option.appendChild(title);
        option.appendChild(document.createTextNode(" "));
        option.appendChild(kind);
        option.addEventListener("mousedown", function (event) {
          event.preventDefault(); // keep focus in the box
          go(index);
        });
        list.appendChild(option);
      });
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      live.textContent = suggestions.length + (suggestions.length === 1 ? " suggestion" : " suggestions") +
        ", use the up and down arrow keys to choose.";
    }

    function fetchSuggestions() {
      var q = input.value.trim();
      if (q === lastQuery) { return; }
      lastQuery = q;
      if (q.length < MIN_CHARS) { render([]); return; }
      if (controller) { controller.abort(); }
      controller = window.AbortController ? new AbortController() : null;
      var sep = url.indexOf("?") === -1 ? "?" : "&";
      window.fetch(url + sep + "q=" + encodeURIComponent(q), {
        credentials: "same-origin",
        headers: {"Accept": "application/json"},
        signal: controller ? controller.signal : undefined
      }).then(function (response) {
        return response.ok ? response.json() : {suggestions: []};
      }).then(function (data) {
        if (input.value.trim() === q) { render(data.suggestions || []); }
      }).catch(function () { /* aborted or offline: no suggestions */ });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(fetchSuggestions, DELAY_MS);
    });

    input.addEventListener("keydown", function (event) {
      var open = !list.hidden && items.length > 0;
      if (event.key === "ArrowDown") {
        if (!open && items.length) { list.hidden = false; input.setAttribute("aria-expanded", "true"); }
        if (items.length) { event.preventDefault(); setActive(active + 1); }
      } else if (event.key === "ArrowUp") {
        if (open) { event.preventDefault(); setActive(active - 1); }
      } else if (event.key === "Enter") {
        if (open && active >= 0) { event.preventDefault(); go(active); }
      } else if (event.key === "Escape") {
        if (open) { event.preventDefault(); close(); } else { input.value = ""; lastQuery = null; }
      }
    });

    input.addEventListener("blur", function () { window.setTimeout(close, 100); });
  }

  function init() {
    var inputs = document.querySelectorAll("input[data-search-autocomplete]");
    for (var i = 0; i < inputs.length; i++) { setup(inputs[i]); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
