// Small progressive enhancements; every page also works without this file.
document.addEventListener("DOMContentLoaded", () => {
  for (const select of document.querySelectorAll("select[data-autosubmit]")) {
    const form = select.form;
    const button = form.querySelector(".js-language-submit");
    if (button) button.classList.add("visually-hidden");
    select.addEventListener("change", () => form.requestSubmit());
  }
});
// After an htmx swap, move focus to the swapped region so keyboard and screen-reader users follow.
document.addEventListener("htmx:afterSwap", (event) => {
  const target = event.detail.target;
  if (target && target.hasAttribute("data-focus-after-swap")) target.focus();
});
