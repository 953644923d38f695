// Campaigns: the ones the organiser runs, and a new one (title, days, rules text and
// what registration asks), which opens on its own page once created.
import { api, clearErrors, el, errorMessage, requireLogin, showErrors, t } from "./common.js";
import { shanghaiDay, shanghaiMidnight } from "./campaign-days.js";

const form = document.getElementById("new-campaign");
const $ = (id) => document.getElementById(id);
const DAY_MS = 86_400_000;

async function loadCampaigns() {
  const result = await api("GET", "/campaigns");
  if (!result.ok) return ($("form-error").textContent = errorMessage(result));
  $("no-campaigns").hidden = result.data.length > 0;
  $("campaigns").tBodies[0].replaceChildren(...result.data.map((campaign) => el("tr", { dataset: { campaign: String(campaign.id) } },
    el("td", {}, el("a", { href: `/console/campaigns/${campaign.id}` }, campaign.title)),
    el("td", {}, shanghaiDay(campaign.opens_at)),
    el("td", {}, shanghaiDay(campaign.closes_at - 1)),
    el("td", {}, String(campaign.stages.length)),
    el("td", {}, [campaign.owner, ...campaign.cohosts].filter(Boolean).join(t("、", ", ", "、"))))));
}

function registration() {
  const fields = {};
  for (const select of form.querySelectorAll("select[data-field]")) {
    if (select.value) fields[select.dataset.field] = select.value;
  }
  return { fields, identity: form.querySelector('input[name="identity"]:checked').value };
}

function quickProblems(body) {
  const problems = {};
  if (!body.title) problems.title = [t("请填写活动名称", "Give the campaign a title", "請填寫活動名稱")];
  if (Number.isNaN(body.opens_at)) problems.opens_at = [t("请选择开始日期", "Choose the first day", "請選擇開始日期")];
  if (Number.isNaN(body.closes_at)) problems.closes_at = [t("请选择结束日期", "Choose the last day", "請選擇結束日期")];
  else if (body.closes_at <= body.opens_at) problems.closes_at = [t("结束日期不能早于开始日期", "The last day cannot be before the first", "結束日期不能早於開始日期")];
  return problems;
}

async function submit(event) {
  event.preventDefault();
  clearErrors(form);
  $("form-error").textContent = "";
  const body = {
    title: $("title").value.trim(),
    opens_at: shanghaiMidnight($("opens_at").value),
    // Closes at the end of its last day, as the command line's --closes does.
    closes_at: shanghaiMidnight($("closes_at").value) + DAY_MS,
    rules: $("rules").value,
    registration: registration(),
  };
  const problems = quickProblems(body);
  if (Object.keys(problems).length) {
    showErrors(form, problems);
    form.querySelector(".invalid input, .invalid select")?.focus();
    return;
  }
  const created = await api("POST", "/campaigns", body);
  if (!created.ok) {
    const homeless = showErrors(form, created.data?.error?.fields);
    $("form-error").textContent = [errorMessage(created), ...homeless].join(" ");
    return;
  }
  location.assign(`/console/campaigns/${created.data.id}`);
}

if (requireLogin()) {
  form.addEventListener("submit", submit);
  loadCampaigns();
}
