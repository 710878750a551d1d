/* 手机上收起的侧边菜单不在 Tab 键的顺序里：菜单关着时它的链接都跳过，打开时才能用键盘进入。
   Material 的菜单是一个复选框（#__drawer）控制的抽屉；宽屏时菜单常显，不受影响。 */
(function () {
  "use strict";
  var drawer = document.getElementById("__drawer");
  var nav = document.querySelector(".md-sidebar--primary");
  if (!drawer || !nav) return;
  var narrow = window.matchMedia("(max-width: 76.234375em)");  // Material's breakpoint for the drawer
  function sync() { nav.inert = narrow.matches && !drawer.checked; }
  drawer.addEventListener("change", sync);
  narrow.addEventListener("change", sync);
  sync();
})();
