"use strict";
// grade --html: sorting, the search box, opening a student's report, and links from the pictures to rows.
// Every name is set with textContent: the page's data is never parsed as HTML here.
(() => {
  const table = document.getElementById("students");
  const search = document.getElementById("search");
  const shown = document.getElementById("shown");
  const bodies = () => Array.from(table.tBodies);
  const VERDICTS = { FAIL: 0, REVIEW: 1, PASS: 2, "-": 3 };  // a verdict column sorts what needs attention first

  // Sorting: a header's button sorts by its column, ascending first; data-v holds a cell's sort key
  table.tHead.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-col]");
    if (!button) return;
    const column = Number(button.dataset.col);
    const header = button.parentElement;
    const ascending = header.getAttribute("aria-sort") !== "ascending";
    for (const th of table.tHead.rows[0].cells) th.removeAttribute("aria-sort");
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    const key = (body) => {
      const cell = body.rows[0].cells[column];
      const text = cell.textContent.trim();
      return cell.dataset.v ?? VERDICTS[text] ?? text.toLowerCase();
    };
    const compare = (a, b) => {
      const x = key(a), y = key(b);
      const numbers = x !== "" && y !== "" && !isNaN(x) && !isNaN(y);
      return numbers ? Number(x) - Number(y) : x.localeCompare(y);
    };
    const sorted = bodies().sort((a, b) => (ascending ? compare(a, b) : compare(b, a)));
    table.append(...sorted);
  });

  // The search box: every word typed must be in a row's data-s (name, id, file, verdicts)
  const filter = () => {
    const words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
    let count = 0;
    for (const body of bodies()) {
      const hit = words.every((word) => body.dataset.s.includes(word));
      body.classList.toggle("out", !hit);
      count += hit;
    }
    shown.textContent = `${count} of ${bodies().length} students`;
  };
  search.addEventListener("input", filter);

  // A student's report opens under the row
  const open = (body, wanted) => {
    const button = body.querySelector("button.who");
    const on = wanted ?? button.getAttribute("aria-expanded") !== "true";
    button.setAttribute("aria-expanded", String(on));
    body.querySelector("tr.more").hidden = !on;
  };
  table.addEventListener("click", (event) => {
    const button = event.target.closest("button.who");
    if (button) open(button.closest("tbody"));
  });

  // #s-N (a point in a picture, a copy's or a reason's link): that student's row, shown and opened
  const go = () => {
    const match = /^#s-(\d+)$/.exec(location.hash);
    const row = match && document.getElementById(`s-${match[1]}`);
    if (!row) return;
    const body = row.closest("tbody");
    if (body.classList.contains("out")) {
      search.value = "";
      filter();
    }
    open(body, true);
    document.querySelector("tr.here")?.classList.remove("here");
    row.classList.add("here");
    row.scrollIntoView({ block: "center" });
  };
  document.addEventListener("click", (event) => {
    const link = event.target.closest("a");
    const target = link && (link.getAttribute("href") ?? link.getAttribute("xlink:href"));
    if (!target || !/^#s-\d+$/.test(target)) return;
    event.preventDefault();
    history.pushState(null, "", target);
    go();
  });
  window.addEventListener("hashchange", go);

  // A verdict's reason as its tooltip, from the text screen readers read; a point's as its student's name
  table.addEventListener("mouseover", (event) => {
    const cell = event.target.closest("td[aria-describedby]");
    const reason = cell && !cell.title && document.getElementById(cell.getAttribute("aria-describedby"));
    if (reason) cell.title = reason.textContent;
  });
  for (const link of document.querySelectorAll("svg a")) {
    const match = /^#s-(\d+)$/.exec(link.getAttribute("href") ?? link.getAttribute("xlink:href") ?? "");
    const row = match && document.getElementById(`s-${match[1]}`);
    if (!row) continue;
    const title = document.createElementNS("http://www.w3.org/2000/svg", "title");
    title.textContent = row.querySelector("button.who").textContent;
    link.prepend(title);
  }
  go();
})();
