// One reviewed question as the phone lists it: the verdict, what the contestant answered,
// the key and the explanation, in the reader's language. The round's review on the play
// page and a campaign's wrong answers on its registration page show the same items (the
// server words the texts in the language asked for; these are the page's own words).

import { t } from "./i18n.js";

/** A reviewed question (an item of GET .../review or .../review/mine) as a list item. */
export function reviewItem(item) {
  const entry = document.createElement("li");
  entry.className = item.correct ? "right" : "wrong";
  const prompt = document.createElement("p");
  prompt.className = "review-prompt";
  prompt.textContent = item.prompt;
  const verdict = document.createElement("p");
  verdict.className = "review-verdict";
  verdict.textContent = item.skipped
    ? t("skipped")
    : item.correct
      ? `✓ ${t("correct")} ${t("points_gained", { points: item.points })}`
      : `✗ ${t("wrong")}`;
  const mine = document.createElement("p");
  mine.textContent = item.answered
    ? t("your_answer", { answer: reviewAnswer(item, item.response, item.response_choices) })
    : t("no_answer");
  const key = document.createElement("p");
  key.className = "answer-was";
  key.textContent = t("answer_was", { answer: reviewAnswer(item, item.answer, item.answer_choices) });
  entry.append(prompt, verdict, mine, key);
  if (item.explanation) {
    const explanation = document.createElement("p");
    explanation.className = "explanation";
    explanation.textContent = item.explanation;
    entry.append(explanation);
  }
  return entry;
}

/** An answer as text: choice texts (the server gives them in the reader's language). */
function reviewAnswer(item, value, choices) {
  if (item.type === "true_false") return t(String(Array.isArray(value) ? value[0] : value));
  if (choices.length) return choices.map((c) => c.text).join(item.type === "order" ? " → " : ", ");
  return [].concat(value).join(" / ");
}
