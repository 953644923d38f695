// Published versions, publishing the draft, and a side-by-side diff of two versions.
import { api, el, errorMessage, main, pick, requireLogin, say, t } from "./common.js";

const SLUG = main.dataset.slug;
const lang = document.documentElement.lang;

async function loadSummary() {
  const result = await api("GET", `/banks/${SLUG}`);
  if (!result.ok) return say(errorMessage(result), true);
  const bank = result.data;
  document.getElementById("draft-summary").textContent = t(
    `草稿有 ${bank.draft_questions} 题；最新版本：${bank.latest_version ? `v${bank.latest_version}` : "无"}。`,
    `The draft has ${bank.draft_questions} questions; latest version: ${bank.latest_version ? `v${bank.latest_version}` : "none"}.`,
    `草稿有 ${bank.draft_questions} 題；最新版本：${bank.latest_version ? `v${bank.latest_version}` : "無"}。`,
  );
}

async function loadVersions() {
  const result = await api("GET", `/banks/${SLUG}/versions`);
  if (!result.ok) return say(errorMessage(result), true);
  const versions = result.data;
  const body = document.getElementById("versions");
  body.replaceChildren(...versions.slice().reverse().map((v) => el("tr", { dataset: { version: String(v.version) } },
    el("th", { scope: "row" }, `v${v.version}`),
    el("td", {}, String(v.question_count)),
    el("td", {}, v.published_by || "—"),
    el("td", {}, v.published_at ? new Date(v.published_at).toLocaleString(lang) : "—"),
    el("td", {}, el("code", { title: v.hash }, v.hash.slice(0, 12))),
  )));
  if (!versions.length) body.append(el("tr", {}, el("td", { colspan: "5" }, t("还没有发布过。", "Nothing published yet.", "還沒有發佈過。"))));
  for (const [id, fallback] of [["diff-from", versions.length - 2], ["diff-to", versions.length - 1]]) {
    const chooser = document.getElementById(id);
    chooser.replaceChildren(...versions.map((v) => el("option", { value: String(v.version) }, `v${v.version}`)));
    if (versions.length) chooser.selectedIndex = Math.max(fallback, 0);
  }
  document.querySelector("#diff-form button").disabled = versions.length < 2;
}

async function publish() {
  const error = document.getElementById("publish-error");
  error.textContent = "";
  const result = await api("POST", `/banks/${SLUG}/versions`);
  if (!result.ok) {
    const fields = result.data?.error?.fields || {};
    const detail = Object.entries(fields).map(([path, messages]) => `${path}: ${[].concat(messages).join("; ")}`).join(" · ");
    error.textContent = `${errorMessage(result)} ${detail}`;
    return;
  }
  say(result.data.created
    ? t(`已发布 v${result.data.version}。`, `Published v${result.data.version}.`, `已發佈 v${result.data.version}。`)
    : t(`草稿与 v${result.data.version} 相同，没有新版本。`, `The draft equals v${result.data.version}; nothing new was published.`, `草稿與 v${result.data.version} 相同，沒有新版本。`));
  await Promise.all([loadSummary(), loadVersions()]);
}

function questionText(question) {
  if (!question) return "";
  const lines = [`[${question.type}] ${pick(question.prompt, lang)}`];
  for (const choice of question.choices || []) {
    lines.push(`${question.answer.includes(choice.key) ? "✓" : " "} ${choice.key}. ${pick(choice.text, lang)}`);
  }
  if (!question.choices) lines.push(`${t("答案", "Answer", "答案")}: ${question.answer.join(" / ")}`);
  lines.push(`${t("难度", "Difficulty", "難度")} ${question.difficulty}${question.tags ? ` · ${question.tags.join(", ")}` : ""}`);
  if (question.source) lines.push(`${t("出处", "Source", "出處")}: ${question.source}`);
  return lines.join("\n");
}

async function showDiff(event) {
  event.preventDefault();
  const from = document.getElementById("diff-from").value;
  const to = document.getElementById("diff-to").value;
  const [change, old, now] = await Promise.all([
    api("GET", `/banks/${SLUG}/diff?from=${from}&to=${to}`),
    api("GET", `/banks/${SLUG}/versions/${from}`),
    api("GET", `/banks/${SLUG}/versions/${to}`),
  ]);
  const box = document.getElementById("diff");
  if (!change.ok || !old.ok || !now.ok) {
    box.replaceChildren(el("p", { class: "error" }, errorMessage([change, old, now].find((r) => !r.ok))));
    return;
  }
  const byKey = (bank) => Object.fromEntries(bank.questions.map((q) => [q.key, q]));
  const before = byKey(old.data.bank);
  const after = byKey(now.data.bank);
  const rows = [
    ...change.data.added.map((key) => ["added", key, t("新增", "added", "新增")]),
    ...change.data.removed.map((key) => ["removed", key, t("删除", "removed", "刪除")]),
    ...change.data.changed.map((c) => ["changed", c.key, `${t("修改", "changed", "修改")}: ${c.fields.join(", ")}`]),
  ];
  const summary = el("p", {}, t(
    `v${from} → v${to}：新增 ${change.data.added.length}，删除 ${change.data.removed.length}，修改 ${change.data.changed.length}。`,
    `v${from} → v${to}: ${change.data.added.length} added, ${change.data.removed.length} removed, ${change.data.changed.length} changed.`,
    `v${from} → v${to}：新增 ${change.data.added.length}，刪除 ${change.data.removed.length}，修改 ${change.data.changed.length}。`,
  ), change.data.bank_fields.length ? ` ${t("题库字段", "Bank fields", "題庫字段")}: ${change.data.bank_fields.join(", ")}` : "");
  const table = el("table", { class: "grid diff" },
    el("caption", {}, t("左为旧版本，右为新版本", "Old version on the left, new on the right", "左為舊版本，右為新版本")),
    el("thead", {}, el("tr", {},
      el("th", { scope: "col" }, t("题目", "Question", "題目")),
      el("th", { scope: "col" }, `v${from}`),
      el("th", { scope: "col" }, `v${to}`))),
    el("tbody", {}, rows.map(([kind, key, label]) => el("tr", { class: kind },
      el("th", { scope: "row" }, el("code", {}, key), el("br"), label),
      el("td", {}, el("pre", {}, questionText(before[key]))),
      el("td", {}, el("pre", {}, questionText(after[key])))))));
  box.replaceChildren(summary, rows.length ? table : el("p", {}, t("题目没有变化。", "No question changed.", "題目沒有變化。")));
}

if (requireLogin()) {
  document.getElementById("publish").addEventListener("click", publish);
  document.getElementById("diff-form").addEventListener("submit", showDiff);
  loadSummary();
  loadVersions();
}
