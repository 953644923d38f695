// A question's picture as the phone and the big screen both show it: the file, and its
// description for screen readers in the reader's language.

import { pick } from "./i18n.js";

/** The <img> of an image question's media ({kind: "image", url, alt}). */
export function questionImage(media) {
  const image = document.createElement("img");
  image.src = media.url;
  image.alt = pick(media.alt);
  return image;
}
