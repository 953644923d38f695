// A campaign's page: its stages (and a new one over rounds the organiser hosts), the
// unit roster upload, participation by unit, district or city with ranked bars, the
// unit rankings, and each stage's qualifiers to review and confirm.
import {
  api, clearErrors, download, el, errorMessage, main, modeName, requireLogin, say, showErrors, t,
} from "./common.js";
import { shanghaiTime } from "./campaign-days.js";

const $ = (id) => document.getElementById(id);
const campaignId = Number(main.dataset.campaign);
const base = `/campaigns/${campaignId}`;
const NEEDS_N = new Set(["per_day", "best_of"]);
const MAY_TAKE_N = new Set(["first_of_day"]);
const CHART_ROWS = 30; // the chart ranks the first ones; the table has them all
let campaign = null;
let qualification = null;
let unitCodes = new Map(); // a unit's id, as participation names it, to its roster code

// --- the campaign and its stages -------------------------------------------------------

async function loadCampaign() {
  const result = await api("GET", base);
  if (!result.ok) return say(errorMessage(result), true);
  campaign = result.data;
  $("campaign-title").textContent = campaign.title;
  document.title = `${campaign.title} · ${document.title.split(" · ").slice(1).join(" · ")}`;
  $("campaign-dates").textContent = `${shanghaiTime(campaign.opens_at)} – ${shanghaiTime(campaign.closes_at)}`;
  $("campaign-hosts").textContent = [campaign.owner, ...campaign.cohosts].filter(Boolean).join(t("、", ", ", "、"));
  $("campaign-rules").textContent = campaign.rules || t("（未填写）", "(none given)", "（未填寫）");
  const weighting = campaign.weighting;
  $("weighting").textContent = t(
    `权重：参与率 ${weighting.rate ?? 0}%，平均分 ${weighting.mean ?? 0}%，参与人数 ${weighting.count ?? 0}%`,
    `Weighting: rate ${weighting.rate ?? 0}%, mean points ${weighting.mean ?? 0}%, participants ${weighting.count ?? 0}%`,
    `權重：參與率 ${weighting.rate ?? 0}%，平均分 ${weighting.mean ?? 0}%，參與人數 ${weighting.count ?? 0}%`,
  );
  showStages();
}

function attemptRuleName(rule) {
  const n = rule.n ?? "";
  return {
    one: t("只答一次", "One attempt", "只答一次"),
    per_day: t(`每天最多 ${n} 次`, `${n} per day`, `每天最多 ${n} 次`),
    best_of: t(`共 ${n} 次取最高`, `Best of ${n}`, `共 ${n} 次取最高`),
    first_of_day: rule.n
      ? t(`每天首次计分，逐日累加（每天最多 ${n} 次）`, `First of each day counts, summed (${n} a day at most)`, `每天首次計分，逐日累加（每天最多 ${n} 次）`)
      : t("每天首次计分，逐日累加", "First of each day counts, summed", "每天首次計分，逐日累加"),
    practice: t("练习（不计分）", "Practice (never counts)", "練習（不計分）"),
  }[rule.kind] || rule.kind;
}

function advancementName(rule) {
  if (!rule) return t("无", "None", "無");
  const parts = [];
  if (rule.per === "city") parts.push(t(`每个城市前 ${rule.k} 名`, `top ${rule.k} per city`, `每個城市前 ${rule.k} 名`));
  if (rule.per === "unit") parts.push(t(`每个单位前 ${rule.k} 名`, `top ${rule.k} per unit`, `每個單位前 ${rule.k} 名`));
  if (rule.min_points !== null && rule.min_points !== undefined) parts.push(t(`不低于 ${rule.min_points} 分`, `at least ${rule.min_points} points`, `不低於 ${rule.min_points} 分`));
  return parts.join(t("，且", ", and ", "，且"));
}

function showStages() {
  const stages = campaign.stages;
  $("no-stages").hidden = stages.length > 0;
  $("stages").tBodies[0].replaceChildren(...stages.map((stage) => el("tr", { dataset: { stage: String(stage.position) } },
    el("td", {}, String(stage.position)),
    el("td", {}, stage.title),
    el("td", {}, ...stage.rounds.flatMap((id, i) => [i ? ", " : null, el("a", { href: `/console/rounds/${id}` }, `#${id}`),
      " (", el("a", { href: `/console/rounds/${id}/certificates` }, t(`场次 ${id} 的证书`, `round ${id}'s certificates`, `場次 ${id} 的證書`)), ")"])),
    el("td", {}, attemptRuleName(stage.attempt_rule)),
    el("td", {}, advancementName(stage.advancement)))));
  const chosen = $("participation-stage").value;
  $("participation-stage").replaceChildren(...stages.map((stage) => el("option", { value: String(stage.position) }, `${stage.position} · ${stage.title}`)));
  if (chosen) $("participation-stage").value = chosen;
  $("qualifiers-stage").replaceChildren(...stages.filter((stage) => stage.advancement).map((stage) => el("option", { value: String(stage.position) }, `${stage.position} · ${stage.title}`)));
  $("review").disabled = !$("qualifiers-stage").options.length;
}

/** The rounds the organiser hosts and no stage of this campaign has, as checkboxes. */
async function loadRounds() {
  const listed = await api("GET", "/competitions");
  if (!listed.ok) return ($("stage-error").textContent = errorMessage(listed));
  const staged = new Set(campaign?.stages.flatMap((stage) => stage.rounds) ?? []);
  const details = await Promise.all(listed.data.map((competition) => api("GET", `/competitions/${competition.id}`)));
  const boxes = [];
  for (const found of details) {
    if (!found.ok) continue;
    const competition = found.data;
    for (const round of competition.rounds) {
      if (staged.has(round.id)) continue;
      boxes.push(el("span", { class: "check" },
        el("input", { type: "checkbox", name: "stage-round", id: `round-${round.id}`, value: String(round.id) }),
        el("label", { for: `round-${round.id}` }, `${competition.title} · ${round.code} · ${modeName(competition.mode)} (#${round.id})`)));
    }
  }
  $("stage-rounds").replaceChildren(...boxes);
  $("no-rounds").hidden = boxes.length > 0;
}

function whole(id) {
  const value = $(id).value.trim();
  return value === "" ? null : Number(value);
}

function stageBody() {
  const kind = $("attempt-kind").value;
  const n = whole("attempt-n");
  const attempt = { kind };
  if (NEEDS_N.has(kind) || (MAY_TAKE_N.has(kind) && n !== null)) attempt.n = n;
  const per = $("advance-per").value;
  let advancement = null;
  if (per) {
    advancement = {};
    if (per !== "score") Object.assign(advancement, { per, k: whole("advance-k") });
    if (whole("advance-min") !== null) advancement.min_points = whole("advance-min");
  }
  return {
    title: $("stage-title").value.trim(),
    rounds: [...document.querySelectorAll('input[name="stage-round"]:checked')].map((box) => Number(box.value)),
    attempt_rule: attempt,
    advancement,
    max_points: whole("max-points"),
  };
}

async function addStage(event) {
  event.preventDefault();
  const form = $("new-stage");
  clearErrors(form);
  $("stage-error").textContent = "";
  const body = stageBody();
  const problems = {};
  if (!body.title) problems.title = [t("请填写阶段名称", "Give the stage a title", "請填寫階段名稱")];
  if (!body.rounds.length) problems.rounds = [t("至少选一场", "Choose at least one round", "至少選一場")];
  if (Object.keys(problems).length) return showErrors(form, problems);
  const added = await api("POST", `${base}/stages`, body);
  if (!added.ok) {
    const homeless = showErrors(form, added.data?.error?.fields);
    $("stage-error").textContent = [errorMessage(added), ...homeless].join(" ");
    return;
  }
  campaign = added.data;
  showStages();
  form.reset();
  say(t("阶段已添加。", "The stage is added.", "階段已添加。"));
  await Promise.all([loadRounds(), loadParticipation(), loadRankings()]);
}

// --- units -----------------------------------------------------------------------------

function showUnits(units) {
  unitCodes = new Map(units.map((unit) => [String(unit.id), unit.code || ""]));
  const byId = new Map(units.map((unit) => [unit.id, unit]));
  const depth = (unit) => (unit.parent_id === null ? 0 : 1 + depth(byId.get(unit.parent_id)));
  $("units-caption").textContent = t(`共 ${units.length} 个单位`, `${units.length} units`, `共 ${units.length} 個單位`);
  $("units").tBodies[0].replaceChildren(...units.map((unit) => {
    const name = el("td", {}, unit.name);
    // Set through the CSSOM: the pages' CSP refuses style attributes.
    name.style.paddingLeft = `${0.6 + 1.2 * depth(unit)}rem`;
    return el("tr", {}, el("td", {}, unit.code || ""), name, el("td", {}, unit.place_name), el("td", {}, String(unit.headcount)));
  }));
}

async function loadUnits() {
  const result = await api("GET", `${base}/units`);
  if (result.ok) showUnits(result.data);
}

/**
 * Send the file chosen in `input` to `path` as multipart "file". A refused file's
 * problems come as {"file:row": [what]}: listed as the server names them. The answer's
 * data when the file is taken, else null.
 */
async function upload(form, input, path) {
  clearErrors(form);
  $("upload-problems").hidden = true;
  const file = input.files[0];
  if (!file) {
    showErrors(form, { file: [t("请选择文件", "Choose a file", "請選擇文件")] });
    return null;
  }
  const body = new FormData();
  body.append("file", file);
  const result = await api("POST", path, body);
  if (result.ok) return result.data;
  const fields = result.data?.error?.fields || {};
  $("upload-problems-title").textContent = errorMessage(result);
  $("upload-problems").querySelector("ul").replaceChildren(...Object.entries(fields).map(([where, messages]) =>
    el("li", {}, el("code", {}, where), ": ", [].concat(messages).join("; "))));
  $("upload-problems").hidden = false;
  return null;
}

async function uploadUnits(event) {
  event.preventDefault();
  const units = await upload($("units-upload"), $("units-file"), `${base}/units`);
  if (!units) return;
  showUnits(units);
  say(t(`已导入 ${units.length} 个单位。`, `${units.length} units imported.`, `已導入 ${units.length} 個單位。`));
  await loadParticipation();
}

async function uploadMembers(event) {
  event.preventDefault();
  const taken = await upload($("members-upload"), $("members-file"), `${base}/members`);
  if (taken) say(t(`已导入 ${taken.members} 名成员。`, `${taken.members} members imported.`, `已導入 ${taken.members} 名成員。`));
}

// --- participation and rankings --------------------------------------------------------

function percent(rate) {
  return rate === null || rate === undefined ? "—" : `${(rate * 100).toFixed(1)}%`;
}

function by() {
  return document.querySelector('input[name="by"]:checked').value;
}

function chosenStage() {
  return $("participation-stage").value || "1";
}

async function loadParticipation() {
  $("participation-error").textContent = "";
  const result = await api("GET", `${base}/participation?by=${by()}&stage=${chosenStage()}`);
  if (!result.ok) {
    $("participation-error").textContent = errorMessage(result);
    $("participation").tBodies[0].replaceChildren();
    $("participation-chart").querySelector("ol").replaceChildren();
    $("participation-total").textContent = "";
    return;
  }
  const counted = result.data;
  const whole = counted.campaign;
  $("participation-total").textContent = t(
    `全活动：${whole.participants} / ${whole.headcount} 人，参与率 ${percent(whole.rate)}`,
    `Whole campaign: ${whole.participants} of ${whole.headcount}, rate ${percent(whole.rate)}`,
    `全活動：${whole.participants} / ${whole.headcount} 人，參與率 ${percent(whole.rate)}`,
  ) + (counted.without_unit ? t(`（另有 ${counted.without_unit} 人未填单位）`, ` (and ${counted.without_unit} with no unit)`, `（另有 ${counted.without_unit} 人未填單位）`) : "");
  $("participation").tBodies[0].replaceChildren(...counted.rows.map((row) => el("tr", { dataset: { code: row.code } },
    el("td", {}, counted.by === "unit" ? unitCodes.get(row.code) ?? "" : row.code),
    el("td", {}, row.name),
    el("td", {}, String(row.participants)),
    el("td", {}, String(row.headcount)),
    el("td", {}, percent(row.rate)))));
  const ranked = counted.rows.slice().sort((a, b) => (b.rate ?? -1) - (a.rate ?? -1)).slice(0, CHART_ROWS);
  $("participation-chart").querySelector("ol").replaceChildren(...ranked.map((row) => {
    const filled = el("span");
    filled.style.width = `${Math.min(100, (row.rate ?? 0) * 100)}%`; // CSSOM: CSP allows it
    return el("li", { dataset: { code: row.code } },
      el("span", { class: "rate-bar-label" }, row.name),
      el("span", { class: "rate-bar", "aria-hidden": "true" }, filled),
      el("span", { class: "rate-bar-value" }, percent(row.rate)));
  }));
}

async function loadRankings() {
  $("rankings-error").textContent = "";
  const result = await api("GET", `${base}/rankings?stage=${chosenStage()}`);
  if (!result.ok) {
    $("rankings-error").textContent = errorMessage(result);
    $("rankings").tBodies[0].replaceChildren();
    return;
  }
  $("rankings").tBodies[0].replaceChildren(...result.data.rows.map((row) => el("tr", { dataset: { code: row.code } },
    el("td", {}, String(row.rank)),
    el("td", {}, row.name),
    el("td", {}, row.score.toFixed(3)),
    el("td", {}, percent(row.rate)),
    el("td", {}, row.mean_points === null ? "—" : row.mean_points.toFixed(1)),
    el("td", {}, String(row.participants)))));
}

// --- qualifiers ------------------------------------------------------------------------

async function review() {
  $("qualifiers-error").textContent = "";
  const position = $("qualifiers-stage").value;
  const result = await api("GET", `${base}/stages/${position}/qualifiers`);
  if (!result.ok) return ($("qualifiers-error").textContent = errorMessage(result));
  qualification = result.data;
  $("qualifiers").hidden = false;
  $("qualifiers").tBodies[0].replaceChildren(...qualification.qualifiers.map((q) => el("tr", { dataset: { registration: String(q.registration) }, class: q.tied_at_cut ? "tied" : null },
    el("td", {}, el("input", { type: "checkbox", checked: true, value: String(q.registration), "aria-label": t(`晋级：${q.nickname}`, `Keep ${q.nickname}`, `晉級：${q.nickname}`) })),
    el("td", {}, String(q.registration)),
    el("td", {}, q.nickname),
    el("td", {}, q.group_name ?? q.group ?? "—"),
    el("td", {}, String(q.rank), q.tied_at_cut ? el("strong", { class: "warn" }, t("（线上并列）", " (tied at the cut)", "（線上並列）")) : null),
    el("td", {}, String(q.points)),
    el("td", {}, `${(q.total_ms / 1000).toFixed(1)} s`))));
  $("ungrouped").textContent = qualification.ungrouped.length
    ? t(`${qualification.ungrouped.length} 人没有所属组别，不参与分组晋级。`, `${qualification.ungrouped.length} registrations have no group and are not ranked in one.`, `${qualification.ungrouped.length} 人沒有所屬組別，不參與分組晉級。`)
    : "";
  $("confirm").hidden = false;
  say(t(`${qualification.qualifiers.length} 人晋级（未确认）。`, `${qualification.qualifiers.length} qualify (not confirmed).`, `${qualification.qualifiers.length} 人晉級（未確認）。`));
}

async function confirmQualifiers() {
  $("qualifiers-error").textContent = "";
  const kept = [...$("qualifiers").querySelectorAll("tbody input:checked")].map((box) => Number(box.value));
  const body = kept.length === qualification.qualifiers.length ? {} : { registrations: kept };
  const result = await api("POST", `${base}/stages/${qualification.stage}/qualifiers`, body);
  if (!result.ok) return ($("qualifiers-error").textContent = errorMessage(result));
  say(t(`已确认 ${result.data.confirmed.length} 人晋级。`, `${result.data.confirmed.length} qualifiers confirmed.`, `已確認 ${result.data.confirmed.length} 人晉級。`));
}

if (requireLogin()) {
  $("new-stage").addEventListener("submit", addStage);
  $("units-upload").addEventListener("submit", uploadUnits);
  $("members-upload").addEventListener("submit", uploadMembers);
  $("refresh").addEventListener("click", () => Promise.all([loadParticipation(), loadRankings()]));
  for (const radio of document.querySelectorAll('input[name="by"]')) radio.addEventListener("change", loadParticipation);
  $("participation-stage").addEventListener("change", () => Promise.all([loadParticipation(), loadRankings()]));
  $("participation-xlsx").addEventListener("click", (event) => {
    event.preventDefault();
    download(`${base}/participation.xlsx?stage=${chosenStage()}`, `campaign-${campaignId}-participation.xlsx`);
  });
  $("review").addEventListener("click", review);
  $("confirm").addEventListener("click", confirmQualifiers);
  loadCampaign().then(() => Promise.all([loadRounds(), loadUnits(), loadParticipation(), loadRankings()]));
}
