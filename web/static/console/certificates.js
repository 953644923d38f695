// A round's certificates: the plan (templates with their rules, texts in three languages,
// date and seal), issuing, the issued certificates with their verification links, revoking
// one (a reason, confirmed), and the .xlsx and CSV. A campaign's page edits and issues a
// plan per stage (boards: overall, city, unit) and lists the campaign's certificates with
// those of every round of its stages, each round linking to its own page.
import {
  api, clearErrors, download, el, errorMessage, field, group, main, pick, requireLogin,
  roundTitle, say, showErrors, t, uploadProblems,
} from "./common.js";

const ROUND = Number(main.dataset.round);
const CAMPAIGN = main.dataset.campaign ? Number(main.dataset.campaign) : null;
let rounds = CAMPAIGN ? [] : [ROUND]; // a campaign's: its stages' rounds
let stage = 1; // a campaign's: the stage whose plan is shown
const owner = CAMPAIGN ? `/campaigns/${CAMPAIGN}/certificates` : `/rounds/${ROUND}/certificates`;
/** Where the plan and issuing are: the round's, or the chosen stage's. */
const base = () => (CAMPAIGN ? `${owner}/stages/${stage}` : owner);
const SCOPES = CAMPAIGN
  ? [["all", t("总排名", "The overall board", "總排名")], ["city", t("各地市内排名", "Each city's own board", "各地市內排名")], ["unit", t("各单位内排名", "Each unit's own board", "各單位內排名")]]
  : [["all", t("总排名", "The overall board", "總排名")], ["region", t("各地区内排名", "Each region's own board", "各地區內排名")], ["team", t("各队伍内排名", "Each team's own board", "各隊伍內排名")]];
const lang = document.documentElement.lang;
const $ = (id) => document.getElementById(id);
const TEXT_LOCALES = [["zh-Hans", "简体中文"], ["zh-Hant", "繁體中文"], ["en", "English"]];
let revoking = null; // the serial the dialog is about

// --- the plan ---------------------------------------------------------------------------

/** A text in three languages; `part` names it in the card (its path moves with it). */
function texts(path, part, legend, given = {}) {
  const set = group(path, legend, ...TEXT_LOCALES.map(([locale, name]) => {
    const input = el("input", { maxlength: "200", value: given[locale] ?? "", lang: locale, dataset: { locale } });
    return field(`${path}.${locale}`, name, input);
  }));
  set.dataset.part = part;
  return set;
}

function ruleFields(path, rule) {
  const kind = el("select", { dataset: { part: "kind" } },
    el("option", { value: "participation" }, t("参与（所有排名的选手）", "Participation (every ranked contestant)", "參與（所有排名的選手）")),
    el("option", { value: "score" }, t("得分不低于分数线", "Points at or above a threshold", "得分不低於分數線")),
    el("option", { value: "rank" }, t("名次在前若干名", "Rank within the top", "名次在前若干名")));
  kind.value = rule.kind ?? "participation";
  const threshold = el("input", { type: "number", min: "0", step: "1", value: rule.threshold ?? "", dataset: { part: "threshold" } });
  const top = el("input", { type: "number", min: "1", step: "1", value: rule.top ?? "", dataset: { part: "top" } });
  const scope = el("select", { dataset: { part: "scope" } },
    ...SCOPES.map(([value, name]) => el("option", { value }, name)));
  scope.value = rule.scope ?? "all";
  const thresholdField = field(`${path}.threshold`, t("分数线", "Threshold (points)", "分數線"), threshold);
  const topField = field(`${path}.top`, t("前几名", "Top", "前幾名"), top);
  const scopeField = field(`${path}.scope`, t("排名范围", "Board", "排名範圍"), scope);
  const shown = () => {
    thresholdField.hidden = kind.value !== "score";
    topField.hidden = scopeField.hidden = kind.value !== "rank";
  };
  kind.addEventListener("change", shown);
  shown();
  return el("div", { class: "row" }, field(`${path}.kind`, t("颁发规则", "Rule", "頒發規則"), kind), thresholdField, topField, scopeField);
}

function sealField(path, sha) {
  const input = el("input", { type: "file", accept: "image/png,image/jpeg" });
  const preview = el("img", { class: "seal", alt: t("印章", "Seal", "印章"), hidden: !sha, src: sha ? `/media/${sha}` : null });
  const remove = el("button", { type: "button", class: "link", hidden: !sha }, t("去掉印章", "Remove the seal", "去掉印章"));
  const wrapper = field(path, t("印章图片（PNG 或 JPEG）", "Seal picture (PNG or JPEG)", "印章圖片（PNG 或 JPEG）"), input,
    t("上传后保存方案才生效。", "It takes effect when the plan is saved.", "上傳後保存方案才生效。"));
  wrapper.dataset.seal = sha ?? "";
  const show = (digest) => {
    wrapper.dataset.seal = digest ?? "";
    preview.hidden = remove.hidden = !digest;
    if (digest) preview.src = `/media/${digest}`;
  };
  input.addEventListener("change", async () => {
    const file = input.files[0];
    if (!file) return;
    clearErrors(wrapper.parentElement);
    const result = await api("POST", `${owner}/seal`, file);
    if (!result.ok) {
      showErrors(wrapper.parentElement, { [path]: uploadProblems(result) });
      return say(errorMessage(result), true);
    }
    show(result.data.sha256);
    say(t("印章已上传。", "Seal uploaded.", "印章已上傳。"));
  });
  remove.addEventListener("click", () => show(null));
  wrapper.append(preview, remove);
  return wrapper;
}

function templateCard(template = {}) {
  const card = el("fieldset", { class: "card template" });
  const renumber = () => {
    const index = [...$("templates").children].indexOf(card);
    card.querySelector("legend").textContent = t(`模板 ${index + 1}`, `Template ${index + 1}`, `模板 ${index + 1}`);
  };
  const build = () => {
    const index = [...$("templates").children].indexOf(card);
    const path = `templates.${index}`;
    const key = el("input", { value: template.key ?? "", maxlength: "32", dataset: { part: "key" } });
    const groupInput = el("input", { value: template.group && template.group !== template.key ? template.group : "", maxlength: "32", dataset: { part: "group" } });
    const date = el("input", { type: "date", value: template.date ?? "", dataset: { part: "date" } });
    const remove = el("button", { type: "button", class: "danger" }, t("删除本模板", "Delete this template", "刪除本模板"));
    remove.addEventListener("click", () => {
      card.remove();
      rebuild();
    });
    card.replaceChildren(
      el("legend", {}),
      el("div", { class: "row" },
        field(`${path}.key`, t("标识", "Key", "標識"), key, t("小写字母、数字、_ 或 -，如 first", "Lowercase letters, digits, _ or -, e.g. first", "小寫字母、數字、_ 或 -，如 first")),
        field(`${path}.group`, t("组（可不填）", "Group (optional)", "組（可不填）"), groupInput, t("同组只得一个，如 award", "One per group, e.g. award", "同組只得一個，如 award")),
        field(`${path}.date`, t("日期（不填为颁发当天）", "Date (empty: the day of issue)", "日期（不填為頒發當天）"), date)),
      ruleFields(`${path}.rule`, template.rule ?? {}),
      el("div", { class: "row" },
        texts(`${path}.award`, "award", t("奖项", "Award", "獎項"), template.award),
        texts(`${path}.title`, "title", t("证书标题", "Title", "證書標題"), template.title),
        texts(`${path}.issuer`, "issuer", t("颁发单位", "Issuer", "頒發單位"), template.issuer)),
      sealField(`${path}.seal`, template.seal),
      el("div", { class: "toolbar" }, remove));
    renumber();
  };
  card.rebuild = () => {
    template = readTemplate(card);
    build();
  };
  card.build = build;
  return card;
}

/** Paths name templates by position: after a deletion each card is built anew. */
function rebuild() {
  for (const card of $("templates").children) card.rebuild();
}

function addTemplate(template) {
  const card = templateCard(template);
  $("templates").append(card);
  card.build();
  return card;
}

function readTexts(card, part) {
  const found = {};
  for (const input of card.querySelectorAll(`[data-part="${part}"] input`)) {
    if (input.value.trim()) found[input.dataset.locale] = input.value.trim();
  }
  return found;
}

function readTemplate(card) {
  const part = (name) => card.querySelector(`[data-part="${name}"]`)?.value?.trim() ?? "";
  const kind = part("kind");
  const rule = { kind };
  const whole = (text) => (text === "" ? null : Number(text));
  if (kind === "score") rule.threshold = whole(part("threshold"));
  if (kind === "rank") Object.assign(rule, { top: whole(part("top")), scope: part("scope") });
  const template = {
    key: part("key"),
    rule,
    award: readTexts(card, "award"),
    title: readTexts(card, "title"),
    issuer: readTexts(card, "issuer"),
    date: part("date") || null,
    seal: card.querySelector("[data-seal]")?.dataset.seal || null,
  };
  if (part("group")) template.group = part("group");
  return template;
}

async function loadPlan() {
  const result = await api("GET", `${base()}/plan`);
  const templates = result.ok ? result.data.templates : [];
  if (!result.ok && result.status !== 404) say(errorMessage(result), true);
  $("templates").replaceChildren();
  if (templates.length) templates.forEach(addTemplate);
  else addTemplate();
}

async function savePlan(event) {
  event.preventDefault();
  const form = $("plan-form");
  clearErrors(form);
  $("plan-error").textContent = "";
  const plan = { templates: [...$("templates").children].map(readTemplate) };
  const result = await api("PUT", `${base()}/plan`, plan);
  if (!result.ok) {
    const homeless = showErrors(form, result.data?.error?.fields);
    $("plan-error").textContent = [errorMessage(result), ...homeless].join(" ");
    return;
  }
  say(t(`方案已保存（${plan.templates.length} 个模板）。`, `Plan saved (${plan.templates.length} templates).`, `方案已保存（${plan.templates.length} 個模板）。`));
}

// --- issuing, the list, revoking ------------------------------------------------------------

async function issue() {
  $("issue-error").textContent = "";
  const result = await api("POST", `${base()}/issue`);
  if (!result.ok) {
    $("issue-error").textContent = errorMessage(result);
    return;
  }
  const count = result.data.issued;
  say(count
    ? t(`已颁发 ${count} 张证书。`, `${count} certificates issued.`, `已頒發 ${count} 張證書。`)
    : t("没有新的证书要颁发。", "No new certificate to issue.", "沒有新的證書要頒發。"));
  loadCertificates();
}

function stateCell(certificate) {
  if (certificate.revoked_at_ms == null) return el("td", { dataset: { state: "valid" } }, t("有效", "Valid", "有效"));
  return el("td", { dataset: { state: "revoked" } }, el("strong", {}, t("已撤销", "Revoked", "已撤銷")),
    el("br"), t(`原因：${certificate.revoke_reason}`, `Reason: ${certificate.revoke_reason}`, `原因：${certificate.revoke_reason}`));
}

function certificateRow(certificate) {
  const content = certificate.content;
  const serial = certificate.serial;
  const revoke = certificate.revoked_at_ms == null
    ? el("button", { type: "button", class: "danger", "aria-label": t(`撤销 ${serial}`, `Revoke ${serial}`, `撤銷 ${serial}`), onclick: () => askRevoke(serial, content.holder) },
      t("撤销", "Revoke", "撤銷"))
    : null;
  return el("tr", { dataset: { serial } },
    CAMPAIGN ? el("td", {}, certificate.round_id == null
      ? t(`阶段 ${certificate.stage}`, `stage ${certificate.stage}`, `階段 ${certificate.stage}`)
      : el("a", { href: `/console/rounds/${certificate.round_id}/certificates` }, `#${certificate.round_id}`)) : null,
    el("td", {}, el("a", { href: `/verify/${serial}?lang=${lang}` }, el("code", {}, serial))),
    el("td", {}, content.holder),
    el("td", {}, pick(content.award, lang)),
    el("td", {}, String(content.points ?? "—")),
    el("td", {}, content.rank == null ? "—" : String(content.rank)),
    stateCell(certificate),
    el("td", {}, revoke));
}

async function loadCertificates() {
  const lists = [...(CAMPAIGN ? [owner] : []), ...rounds.map((id) => `/rounds/${id}/certificates`)];
  const results = await Promise.all(lists.map((url) => api("GET", url)));
  const refused = results.find((result) => !result.ok);
  if (refused) return say(errorMessage(refused), true);
  const certificates = results.flatMap((result) => result.data.certificates);
  const revoked = certificates.filter((c) => c.revoked_at_ms != null).length;
  $("issued-count").textContent = t(`（${certificates.length} 张，已撤销 ${revoked} 张）`, `(${certificates.length}, ${revoked} revoked)`, `（${certificates.length} 張，已撤銷 ${revoked} 張）`);
  const body = $("certificates").tBodies[0];
  body.replaceChildren(...certificates.map(certificateRow));
  if (!certificates.length) body.append(el("tr", {}, el("td", { colspan: CAMPAIGN ? "8" : "7" }, t("还没有颁发证书。", "No certificate issued yet.", "還沒有頒發證書。"))));
}

function askRevoke(serial, holder) {
  revoking = serial;
  $("revoke-title").textContent = t(`撤销证书 ${serial}（${holder}）`, `Revoke certificate ${serial} (${holder})`, `撤銷證書 ${serial}（${holder}）`);
  $("revoke-reason").value = "";
  clearErrors($("revoke-form"));
  $("revoke-dialog").showModal();
  $("revoke-reason").focus();
}

async function confirmRevoke(event) {
  event.preventDefault();
  const form = $("revoke-form");
  clearErrors(form);
  const reason = $("revoke-reason").value.trim();
  if (!reason) return showErrors(form, { reason: [t("请写明撤销原因", "Give the reason", "請寫明撤銷原因")] });
  const result = await api("POST", `/certificates/${revoking}/revoke`, { reason });
  if (!result.ok) {
    const fields = result.data?.error?.fields ?? {};
    if (!Object.keys(fields).length || showErrors(form, fields).length) showErrors(form, { reason: [errorMessage(result)] });
    return;
  }
  $("revoke-dialog").close();
  say(t(`证书 ${revoking} 已撤销。`, `Certificate ${revoking} revoked.`, `證書 ${revoking} 已撤銷。`));
  loadCertificates();
}

async function loadRound() {
  const title = await roundTitle(ROUND);
  if (title) $("round-title").textContent = `· ${title}`;
}

async function loadCampaign() {
  const result = await api("GET", `/campaigns/${CAMPAIGN}`);
  if (!result.ok) return say(errorMessage(result), true);
  $("round-title").textContent = `· ${result.data.title}`;
  rounds = result.data.stages.flatMap((stage) => stage.rounds);
  $("round-links").replaceChildren(...result.data.stages.flatMap((stage) => stage.rounds.map((id) => el("li", {},
    `${stage.position} · ${stage.title} · `,
    el("a", { href: `/console/rounds/${id}/certificates` }, t(`场次 ${id} 的证书方案与颁发`, `round ${id}'s plan and issuing`, `場次 ${id} 的證書方案與頒發`))))));
  if (!rounds.length) $("round-links").append(el("li", {}, t("活动还没有阶段。", "The campaign has no stage yet.", "活動還沒有階段。")));
  $("plan-stage").replaceChildren(...result.data.stages.map((s) => el("option", { value: String(s.position) }, `${s.position} · ${s.title}`)));
  $("plan-stage").addEventListener("change", () => {
    stage = Number($("plan-stage").value);
    loadPlan();
  });
  if (result.data.stages.length) loadPlan();
  loadCertificates();
}

function startPlan() {
  $("add-template").addEventListener("click", () => addTemplate().querySelector("input")?.focus());
  $("plan-form").addEventListener("submit", savePlan);
  $("issue").addEventListener("click", issue);
  const name = CAMPAIGN ? `campaign-${CAMPAIGN}` : `round-${ROUND}`;
  $("download-xlsx").addEventListener("click", () => download(`${owner}.xlsx?lang=${lang}`, `${name}-certificates.xlsx`));
  $("download-csv").addEventListener("click", () => download(`${owner}.csv?lang=${lang}`, `${name}-certificates.csv`));
}

function startRound() {
  loadRound();
  loadPlan();
  loadCertificates();
}

if (requireLogin()) {
  $("revoke-form").addEventListener("submit", confirmRevoke);
  $("revoke-cancel").addEventListener("click", () => $("revoke-dialog").close());
  startPlan();
  if (CAMPAIGN) loadCampaign();
  else startRound();
}
