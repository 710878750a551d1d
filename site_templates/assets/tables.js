// Tables on phones: each cell is labelled with its column's heading, so that the CSS
// (jiangpu.css, "Tables on phones") can show every row as a small card instead of a
// table wider than the screen. Without JavaScript the table scrolls inside its box.
(function () {
  "use strict";
  function label(table) {
    if (table.hasAttribute("data-labelled") || !table.tHead) return;
    var heads = Array.prototype.map.call(table.tHead.rows[0].cells, function (c) { return c.textContent.trim(); });
    Array.prototype.forEach.call(table.tBodies, function (body) {
      Array.prototype.forEach.call(body.rows, function (row) {
        var column = 0;
        Array.prototype.forEach.call(row.cells, function (cell) {
          if (heads[column] && !cell.hasAttribute("data-label")) cell.setAttribute("data-label", heads[column]);
          column += cell.colSpan || 1;
        });
      });
    });
    // An attribute, not a class: Material styles only tables without a class.
    table.setAttribute("data-labelled", "");
  }
  function setup() { document.querySelectorAll(".md-typeset table").forEach(label); }
  if (typeof document$ !== "undefined" && document$.subscribe) { document$.subscribe(setup); } else { setup(); }
})();
