// Table filters: each <select data-key="k"> keeps the rows whose data-k holds the chosen value.
// Values may list several choices separated by "|" (a master in two talent tiers).
(function () {
  function setup() {
    document.querySelectorAll(".jp-filters").forEach(function (box) {
      var table = document.getElementById(box.getAttribute("data-table"));
      if (!table) return;
      var selects = box.querySelectorAll("select");
      var count = box.querySelector(".jp-count");
      function apply() {
        var shown = 0, rows = table.tBodies[0].rows;
        for (var i = 0; i < rows.length; i++) {
          var row = rows[i], keep = true;
          selects.forEach(function (s) {
            if (!s.value) return;
            var values = (row.getAttribute("data-" + s.getAttribute("data-key")) || "").split("|");
            if (values.indexOf(s.value) < 0) keep = false;
          });
          row.hidden = !keep;
          if (keep) shown++;
        }
        if (count) count.textContent = "共 " + shown + " 条";
      }
      selects.forEach(function (s) { s.addEventListener("change", apply); });
      apply();
    });
  }
  if (typeof document$ !== "undefined" && document$.subscribe) { document$.subscribe(setup); } else { setup(); }
})();
