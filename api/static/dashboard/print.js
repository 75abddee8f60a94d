// The report's "Imprimer" button (kept out of the page: the CSP forbids inline scripts).
document.addEventListener("DOMContentLoaded", () => {
  const button = document.getElementById("imprimer");
  if (button) button.addEventListener("click", () => window.print());
});
