// Print buttons: hidden without JavaScript (the browser's own Print command works then), shown here.
document.querySelectorAll("button[data-print]").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () {
    window.print();
  });
});
