// Share kit: the "copy the embed code" button (kept out of the page: the CSP forbids inline
// scripts). Falls back to selecting the code when the clipboard API is not available.
document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("[data-copy]")) {
    const source = document.getElementById(button.dataset.copy);
    const status = document.getElementById(button.dataset.status);
    if (!source || !status) continue;
    button.addEventListener("click", async () => {
      status.textContent = "";
      try {
        await navigator.clipboard.writeText(source.textContent);
        status.textContent = "Code copié dans le presse-papiers.";
      } catch (error) {
        const range = document.createRange();
        range.selectNodeContents(source);
        const selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
        status.textContent = "Copie automatique impossible : le code est sélectionné, faites Ctrl+C (ou ⌘+C sur Mac).";
      }
    });
  }
});
