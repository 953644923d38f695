// The holder's certificates as a list with their downloads: a round's for its contestant
// (the play page's end screen), a campaign's for its registration (the register page).

import { locale, pick, t } from "./i18n.js";

/**
 * Fill `list` with what `listUrl` lists for the bearer of `token` and show `heading` when
 * there is any; offline, or with a token the server refuses, nothing shows.
 */
export async function showCertificates(list, heading, listUrl, token) {
  const auth = { Authorization: `Bearer ${token}` };
  const response = await fetch(listUrl, { headers: auth }).catch(() => null);
  if (!response?.ok) return;
  list.replaceChildren(...(await response.json()).certificates.map((mine) => item(mine, auth)));
  heading.hidden = !list.children.length;
}

function item(mine, auth) {
  const entry = document.createElement("li");
  entry.textContent = `${pick(mine.award)} `;
  for (const [kind, label] of [["pdf", "PDF"], ["png", t("certificate_png")]]) {
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = label;
    // A link cannot carry the token: fetch the file and save it from memory.
    button.addEventListener("click", async () => {
      const url = new URL(mine.links[kind], location.href);
      url.searchParams.set("lang", locale()); // a campaign's link has ?campaign= already
      const file = await fetch(url, { headers: auth }).catch(() => null);
      if (!file?.ok) return;
      const save = document.createElement("a");
      save.href = URL.createObjectURL(await file.blob());
      save.download = `certificate-${mine.serial}.${kind}`;
      save.click();
    });
    entry.append(button, " ");
  }
  return entry;
}
