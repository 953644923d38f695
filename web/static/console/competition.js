// Competition and round setup: a bank pinned at a published version, the rules, then a
// round opened at once (a self-paced one with its window) so the host lands on its page.
import {
  api, clearErrors, el, errorMessage, field, localInputValue, pick, readWindow, requireLogin,
  showErrors, t,
} from "./common.js";

const form = document.getElementById("competition");
const $ = (id) => document.getElementById(id);
let questions = []; // of the chosen version, for fixed draws and quota hints

async function loadBanks() {
  const result = await api("GET", "/banks");
  if (!result.ok) return ($("form-error").textContent = errorMessage(result));
  const published = result.data.filter((bank) => bank.latest_version);
  $("bank").replaceChildren(...published.map((bank) => el("option", { value: bank.slug }, `${pick(bank.title, document.documentElement.lang)} (${bank.slug})`)));
  if (!published.length) $("form-error").textContent = t("还没有已发布的题库。", "No bank has a published version yet.", "還沒有已發佈的題庫。");
  const wanted = new URLSearchParams(location.search).get("bank");
  if (wanted && published.some((bank) => bank.slug === wanted)) $("bank").value = wanted;
  await loadVersions();
}

async function loadVersions() {
  const slug = $("bank").value;
  if (!slug) return;
  const result = await api("GET", `/banks/${slug}/versions`);
  // A bank chosen meanwhile has its own answer coming: this one is stale.
  if (!result.ok || $("bank").value !== slug) return;
  $("bank_version").replaceChildren(...result.data.slice().reverse().map((v) => el("option", { value: String(v.version) }, `v${v.version} · ${v.question_count} ${t("题", "questions", "題")}`)));
  await loadQuestions();
}

async function loadQuestions() {
  const chosen = `${$("bank").value}/versions/${$("bank_version").value}`;
  const result = await api("GET", `/banks/${chosen}`);
  if (chosen !== `${$("bank").value}/versions/${$("bank_version").value}`) return;
  questions = result.ok ? result.data.bank.questions : [];
  $("keys").replaceChildren(...questions.map((q, i) => el("span", { class: "check" },
    el("input", { type: "checkbox", id: `key-${i}`, value: q.key, checked: true }),
    el("label", { for: `key-${i}` }, `${q.key} · ${pick(q.prompt, document.documentElement.lang).slice(0, 40)}`))));
  if (!$("quotas").children.length) addQuota(Math.min(questions.length, 10) || 1);
}

function addQuota(count = 1) {
  const n = $("quotas").children.length;
  const base = `draw.quotas[${n}]`;
  const number = el("input", { type: "number", min: "1", max: "500", value: String(count), class: "quota-count" });
  const tag = el("input", { class: "quota-tag", placeholder: t("任意", "any", "任意") });
  const levels = el("input", { class: "quota-difficulty", placeholder: t("任意，如 1,2,3", "any, e.g. 1,2,3", "任意，如 1,2,3") });
  $("quotas").append(el("fieldset", { class: "field group", dataset: { path: base } },
    el("legend", {}, `${t("配额", "Quota", "配額")} ${n + 1}`),
    el("div", { class: "row" },
      field(`${base}.count`, t("题数", "Count", "題數"), number),
      field(`${base}.tag`, t("标签（可空）", "Tag (optional)", "標籤（可空）"), tag),
      field(`${base}.difficulty`, t("难度（可空）", "Difficulty (optional)", "難度（可空）"), levels)),
    el("p", { class: "error" })));
}

function number(id) {
  const value = $(id).value.trim();
  return value === "" ? null : Number(value);
}

function rules() {
  const kind = form.querySelector('input[name="draw"]:checked').value;
  const draw = { kind, shuffle_questions: $("shuffle_questions").checked, shuffle_options: $("shuffle_options").checked };
  if (kind === "fixed") {
    draw.keys = [...$("keys").querySelectorAll("input:checked")].map((box) => box.value);
  } else {
    draw.quotas = [...$("quotas").children].map((box) => {
      const quota = { count: Number(box.querySelector(".quota-count").value) };
      const tag = box.querySelector(".quota-tag").value.trim();
      const levels = box.querySelector(".quota-difficulty").value.split(/[,，\s]+/).filter(Boolean).map(Number);
      if (tag) quota.tag = tag;
      if (levels.length) quota.difficulty = levels;
      return quota;
    });
  }
  const mode = form.querySelector('input[name="mode"]:checked').value;
  const out = {
    mode,
    scoring: {
      points: number("points"), speed: $("speed").value, streak_step: number("streak_step"),
      streak_cap: number("streak_cap"), wrong_penalty: number("wrong_penalty"), accuracy_only: $("accuracy_only").checked,
    },
    draw,
    regions: [...form.querySelectorAll('input[name="region"]:checked')].map((box) => box.value),
    teams: $("teams").value.split(/[,，]/).map((team) => team.trim()).filter(Boolean),
    partial_credit: $("partial_credit").checked,
    default_time_limit_s: number("default_time_limit_s"),
  };
  if (mode === "elimination") out.revival_tokens = number("revival_tokens");
  if (number("freeze_at_question") !== null) out.freeze_at_question = number("freeze_at_question");
  return out;
}

function quickProblems(body) {
  const problems = {};
  if (!body.title) problems.title = [t("请填写比赛名称", "Give the competition a title", "請填寫比賽名稱")];
  if (!body.bank) problems.bank = [t("请选择题库", "Choose a bank", "請選擇題庫")];
  const draw = body.rules.draw;
  if (draw.kind === "fixed" && !draw.keys.length) problems["draw.keys"] = [t("至少选一道题", "Choose at least one question", "至少選一道題")];
  const limit = body.rules.default_time_limit_s;
  if (!(limit >= 5 && limit <= 600)) problems.default_time_limit_s = [t("5 到 600 秒", "between 5 and 600 seconds", "5 到 600 秒")];
  return problems;
}

async function submit(event) {
  event.preventDefault();
  clearErrors(form);
  $("form-error").textContent = "";
  const body = { title: $("title").value.trim(), bank: $("bank").value, bank_version: Number($("bank_version").value), rules: rules() };
  const problems = quickProblems(body);
  const selfPaced = body.rules.mode === "self_paced";
  const opening = selfPaced ? readWindow($("opens_at"), $("closes_at")) : {};
  Object.assign(problems, opening.problems);
  if (Object.keys(problems).length) {
    showErrors(form, problems);
    form.querySelector(".invalid input, .invalid select")?.focus();
    return;
  }
  const created = await api("POST", "/competitions", body);
  if (!created.ok) {
    const homeless = showErrors(form, created.data?.error?.fields, ["rules.", "scoring."]);
    $("form-error").textContent = [errorMessage(created), ...homeless].join(" ");
    return;
  }
  const round = await api("POST", `/competitions/${created.data.id}/rounds`, opening.window);
  if (!round.ok) {
    // The competition exists: its page on the home lets the host try the round again.
    showErrors(form, round.data?.error?.fields);
    $("form-error").replaceChildren(errorMessage(round), " ",
      el("a", { href: `/console#competition-${created.data.id}` }, t("在比赛列表中再开一场", "Open a round from the list of competitions", "在比賽列表中再開一場")));
    return;
  }
  location.assign(`/console/rounds/${round.data.id}`);
}

/** A self-paced round needs its window: shown, and filled with the next week, when chosen. */
function showMode() {
  const selfPaced = form.querySelector('input[name="mode"]:checked').value === "self_paced";
  $("window-box").hidden = !selfPaced;
  if (selfPaced && !$("opens_at").value) {
    $("opens_at").value = localInputValue(Date.now());
    $("closes_at").value = localInputValue(Date.now() + 7 * 86_400_000);
  }
}

function showDrawKind() {
  const fixed = form.querySelector('input[name="draw"]:checked').value === "fixed";
  $("keys-box").hidden = !fixed;
  $("quotas-box").hidden = fixed;
}

if (requireLogin()) {
  $("bank").addEventListener("change", loadVersions);
  $("bank_version").addEventListener("change", loadQuestions);
  $("add-quota").addEventListener("click", () => addQuota());
  for (const radio of form.querySelectorAll('input[name="draw"]')) radio.addEventListener("change", showDrawKind);
  for (const radio of form.querySelectorAll('input[name="mode"]')) radio.addEventListener("change", showMode);
  form.addEventListener("submit", submit);
  loadBanks();
}
