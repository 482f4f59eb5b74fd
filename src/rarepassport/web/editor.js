/* The passport editor's small script: served by the app itself (the CSP allows no other script, and
   none inline). The form works fully without it; with it,
   - "Add to ..." adds an empty entry at once, from the <template> the server wrote beside each list,
     instead of posting the form and redrawing the page (Remove and Move up still post);
   - "Show the card with what is typed" draws the wallet card from the form as it stands, without
     saving it (the server validates it first and writes nothing). */
(function () {
  "use strict";

  function directChild(parent, selector) {
    for (const child of parent.children) {
      if (child.matches(selector)) {
        return child;
      }
    }
    return null;
  }

  function addRow(button) {
    const rows = button.parentElement;
    const template = rows && directChild(rows, "template[data-rows]");
    if (!template || button.value !== "add:" + template.dataset.rows) {
      return false;
    }
    const count = directChild(rows, 'input[type="hidden"][name="' + CSS.escape(template.dataset.rows + "#n") + '"]');
    const index = count ? parseInt(count.value, 10) || 0 : 0;
    // The template is the server's own HTML; only the entry's index and number are put in.
    const html = template.innerHTML.split(template.dataset.index).join(String(index))
      .split(template.dataset.number).join(String(index + 1));
    template.insertAdjacentHTML("beforebegin", html);
    const row = template.previousElementSibling;
    if (count) {
      count.value = String(index + 1);
    }
    if (index === 0) {
      const up = row.querySelector(':scope > .buttons > button[value^="up:"]');
      if (up) {
        up.remove(); // the first entry has nothing to move above
      }
    }
    const first = row.querySelector("input:not([type=hidden]), select, textarea");
    if (first) {
      first.focus();
    }
    return true;
  }

  document.addEventListener("click", function (event) {
    const button = event.target instanceof Element ? event.target.closest('button[name="_action"]') : null;
    if (button && button.value.startsWith("add:") && addRow(button)) {
      event.preventDefault();
    }
  });

  const refresh = document.getElementById("card-refresh");
  const form = document.querySelector("main form");
  if (!refresh || !form) {
    return;
  }
  const status = document.getElementById("card-status");
  const figure = document.getElementById("card-preview");
  refresh.hidden = false;
  refresh.addEventListener("click", async function () {
    const data = new FormData(form);
    data.delete("_photo_upload"); // a photo is kept only by pressing a button of the form
    data.set("_action", "preview");
    refresh.disabled = true;
    try {
      const response = await fetch(refresh.dataset.draft, {method: "POST", body: data, credentials: "same-origin"});
      const answer = await response.json();
      if (!answer.ok) {
        status.textContent = answer.message;
        return;
      }
      for (const old of figure.querySelectorAll("img")) {
        old.remove();
      }
      const caption = figure.querySelector("figcaption");
      answer.pages.forEach(function (page) {
        const image = document.createElement("img");
        image.src = page.src;
        image.alt = page.alt;
        image.width = answer.width;
        figure.insertBefore(image, caption);
      });
      caption.textContent = answer.note;
      status.textContent = answer.note;
    } catch (error) {
      status.textContent = refresh.dataset.failed;
    } finally {
      refresh.disabled = false;
    }
  });
})();
