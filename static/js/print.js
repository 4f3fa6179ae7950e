// The printable programme's "Print" button (inline handlers are not allowed by the CSP).
for (const button of document.querySelectorAll(".js-print")) button.addEventListener("click", () => window.print());
