// A round's or a campaign's lucky draws (docs/lucky-draw.md): define a pool and prizes and
// commit (the seed's and the pool's hashes are published), run it (the seed is revealed
// with the winners, and the command that re-runs it), disqualify a winner (the next in the
// seeded order takes the prize), and the results as .xlsx.
import {
  api, clearErrors, download, el, errorMessage, field, main, requireLogin, roundTitle, say,
  showErrors, t,
} from "./common.js";

const $ = (id) => document.getElementById(id);
const CAMPAIGN = main.dataset.campaign ? Number(main.dataset.campaign) : null;
const ROUND = main.dataset.round ? Number(main.dataset.round) : null;
const owner = CAMPAIGN ? `/campaigns/${CAMPAIGN}` : `/rounds/${ROUND}`;
const lang = document.documentElement.lang;
const KINDS = CAMPAIGN ? ["certificate_holders", "qualifiers"] : ["all_correct", "min_score", "top", "certificate_holders"];
let stages = [];

function kindName(kind) {
  return {
    all_correct: t("全部答对的答卷", "Papers with every answer right", "全部答對的答卷"),
    min_score: t("得分不低于分数线", "Points at or above a threshold", "得分不低於分數線"),
    top: t("名次在前若干名", "Rank within the top", "名次在前若干名"),
    certificate_holders: t("证书持有人（已撤销的不算）", "Certificate holders (revoked ones left out)", "證書持有人（已撤銷的不算）"),
    qualifiers: t("某阶段确认的晋级者", "A stage's confirmed qualifiers", "某階段確認的晉級者"),
  }[kind] || kind;
}

// --- a new draw ---------------------------------------------------------------------------

function drawFields() {
  const kind = el("select", { id: "kind" }, KINDS.map((k) => el("option", { value: k }, kindName(k))));
  const stage = el("select", { id: "stage" });
  const parts = {
    title: field("title", t("抽奖名称", "Title", "抽獎名稱"), el("input", { id: "title", maxlength: "200" })),
    kind: field("kind", t("奖池", "Pool", "獎池"), kind),
    threshold: field("threshold", t("最低分", "Lowest score", "最低分"), el("input", { id: "threshold", type: "number", step: "1" })),
    top: field("top", t("前几名（并列的都算）", "Top (ties at the edge included)", "前幾名（並列的都算）"), el("input", { id: "top", type: "number", min: "1", step: "1" })),
    templates: field("templates", t("证书模板标识（逗号分隔，不填为不限）", "Certificate template keys (comma separated; empty: any)", "證書模板標識（逗號分隔，不填為不限）"), el("input", { id: "templates" })),
    stage: CAMPAIGN ? field("stage", t("阶段", "Stage", "階段"), stage) : null,
    once: el("div", { class: "field" }, el("label", { class: "check" },
      el("input", { type: "checkbox", id: "one-per-person" }), t("每人只有一次机会", "One chance per person", "每人只有一次機會"))),
  };
  const shown = () => {
    parts.threshold.hidden = kind.value !== "min_score";
    parts.top.hidden = kind.value !== "top";
    parts.templates.hidden = kind.value !== "certificate_holders";
    if (CAMPAIGN) {
      const any = kind.value === "certificate_holders";
      stage.replaceChildren(
        any ? el("option", { value: "" }, t("全部阶段", "Every stage", "全部階段")) : null,
        ...stages.map((s) => el("option", { value: String(s.position) }, `${s.position} · ${s.title}`)));
    }
  };
  kind.addEventListener("change", shown);
  shown();
  $("draw-fields").replaceChildren(...Object.values(parts).filter(Boolean));
}

function addPrize(prize = "", count = 1) {
  const row = el("div", { class: "inline prize" });
  const remove = el("button", { type: "button", class: "link" }, t("删除", "Remove", "刪除"));
  remove.addEventListener("click", () => {
    row.remove();
    numberPrizes();
  });
  row.append(el("div", { class: "field" }), el("div", { class: "field" }), remove);
  row.prize = el("input", { maxlength: "200", value: prize });
  row.count = el("input", { type: "number", min: "1", step: "1", value: String(count) });
  $("prizes").append(row);
  numberPrizes();
  return row;
}

/** Errors name prizes by position (prizes.1.count): each row's fields follow its place. */
function numberPrizes() {
  [...$("prizes").children].forEach((row, index) => {
    const n = index + 1;
    row.children[0].replaceWith(field(`prizes.${index}.prize`, t(`奖品 ${n}`, `Prize ${n}`, `獎品 ${n}`), row.prize));
    row.children[1].replaceWith(field(`prizes.${index}.count`, t(`奖品 ${n} 的数量`, `Prize ${n}: how many`, `獎品 ${n} 的數量`), row.count));
  });
}

function readDraw() {
  const number = (id) => ($(id).value === "" ? null : Number($(id).value));
  const kind = $("kind").value;
  const templates = $("templates").value.split(/[,，\s]+/).filter(Boolean);
  return {
    title: $("title").value.trim(),
    pool: {
      kind,
      threshold: kind === "min_score" ? number("threshold") : null,
      top: kind === "top" ? number("top") : null,
      one_per_person: $("one-per-person").checked,
      templates: kind === "certificate_holders" && templates.length ? templates : null,
      stage: CAMPAIGN ? number("stage") : null,
    },
    prizes: [...$("prizes").children].map((row) => ({ prize: row.prize.value.trim(), count: Number(row.count.value) })),
  };
}

async function createDraw(event) {
  event.preventDefault();
  const form = $("draw-form");
  clearErrors(form);
  $("draw-error").textContent = "";
  const result = await api("POST", `${owner}/draws`, readDraw());
  if (!result.ok) {
    const homeless = showErrors(form, result.data?.error?.fields, ["", "pool."]);
    $("draw-error").textContent = [errorMessage(result), ...homeless].join(" ");
    return;
  }
  say(t(`抽奖 #${result.data.id} 已承诺：请先公布承诺，再开奖。`, `Draw #${result.data.id} committed: publish the commitment, then run it.`, `抽獎 #${result.data.id} 已承諾：請先公佈承諾，再開獎。`));
  loadDraws();
}

// --- the draws ------------------------------------------------------------------------------

const when = (iso) => (iso ? new Date(iso).toLocaleString(lang) : "—");

function facts(pairs) {
  return el("dl", { class: "facts" }, pairs.map(([name, value, data]) => el("div", { dataset: data ? { fact: data } : {} }, el("dt", {}, name), el("dd", {}, value))));
}

function verifyCommand(draw) {
  const file = `draw-${draw.id}.json`;
  return `curl -sS ${location.origin}/api/v1/draws/${draw.id} -o ${file}\nleitai draw verify ${file}`;
}

function winnersTable(draw) {
  return el("table", { class: "grid winners" },
    el("caption", {}, t("中奖者（按种子顺序；被取消资格者的奖品给下一位）", "Winners (in the seeded order; a disqualified winner's prize goes to the next)", "中獎者（按種子順序；被取消資格者的獎品給下一位）")),
    el("thead", {}, el("tr", {},
      el("th", { scope: "col" }, t("奖品", "Prize", "獎品")),
      el("th", { scope: "col" }, t("中奖者", "Winner", "中獎者")),
      el("th", { scope: "col" }, t("奖池编号", "Pool member", "獎池編號")))),
    el("tbody", {}, draw.winners.map((winner) => el("tr", { dataset: { member: winner.contestant ?? "" } },
      el("td", {}, winner.prize),
      el("td", {}, winner.contestant ? winner.nickname || winner.contestant : t("（奖池人数不足，空缺）", "(none left in the pool)", "（獎池人數不足，空缺）")),
      el("td", {}, winner.contestant ? el("code", {}, winner.contestant) : "—")))));
}

function disqualifyForm(draw) {
  const winners = draw.winners.filter((w) => w.contestant);
  if (!winners.length) return null;
  const form = el("form", { class: "inline disqualify", novalidate: true });
  const who = el("select", {}, winners.map((w) => el("option", { value: w.contestant }, `${w.nickname || w.contestant} · ${w.prize}`)));
  const reason = el("input", { maxlength: "500" });
  const error = el("p", { class: "error", role: "alert" });
  form.append(
    field("contestant", t("取消谁的中奖资格", "Disqualify", "取消誰的中獎資格"), who),
    field("reason", t("原因（会公布，请勿写个人信息）", "Reason (published: no personal data)", "原因（會公佈，請勿寫個人信息）"), reason),
    el("button", { type: "submit", class: "danger" }, t("取消资格", "Disqualify", "取消資格")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    error.textContent = "";
    const name = who.selectedOptions[0].textContent;
    if (!reason.value.trim()) return showErrors(form, { reason: [t("请写明原因", "Give the reason", "請寫明原因")] });
    if (!window.confirm(t(`取消 ${name} 的中奖资格？奖品将给种子顺序中的下一位，且不能撤回。`, `Disqualify ${name}? The prize goes to the next in the seeded order, for good.`, `取消 ${name} 的中獎資格？獎品將給種子順序中的下一位，且不能撤回。`))) return;
    const result = await api("POST", `/draws/${draw.id}/disqualify`, { contestant: who.value, reason: reason.value.trim() });
    if (!result.ok) {
      const homeless = showErrors(form, result.data?.error?.fields);
      error.textContent = [errorMessage(result), ...homeless].join(" ");
      return;
    }
    say(t(`已取消 ${name} 的资格。`, `${name} disqualified.`, `已取消 ${name} 的資格。`));
    loadDraws();
  });
  return el("div", {}, form, error);
}

function drawCard(draw) {
  const drawn = draw.status === "drawn";
  const commitment = draw.commitment;
  const headingId = `draw-${draw.id}-title`;
  const card = el("section", { class: "card draw", dataset: { draw: String(draw.id), status: draw.status }, "aria-labelledby": headingId },
    el("h3", { id: headingId }, `#${draw.id} · ${draw.title} · `,
      el("span", { class: drawn ? "good" : "warn" }, drawn ? t("已开奖", "Drawn", "已開獎") : t("已承诺，未开奖", "Committed, not yet run", "已承諾，未開獎"))),
    el("p", {}, `${t("奖池", "Pool", "獎池")}：${kindName(draw.rule.kind)}`, draw.rule.one_per_person ? t("，每人一次机会", ", one chance per person", "，每人一次機會") : "",
      ` · ${t("奖品", "Prizes", "獎品")}：`, draw.prizes.map((p) => `${p.prize} × ${p.count}`).join(t("、", ", ", "、"))),
    facts([
      [t("承诺时间", "Committed at", "承諾時間"), when(draw.created_at)],
      [t("算法", "Algorithm", "算法"), el("code", {}, commitment.algorithm)],
      [t("种子的 SHA-256", "Seed SHA-256", "種子的 SHA-256"), el("code", {}, commitment.seed_sha256), "seed-sha256"],
      [t("奖池哈希", "Pool hash", "獎池哈希"), el("code", {}, commitment.pool_sha256), "pool-sha256"],
      [t("奖池人数", "Pool size", "獎池人數"), String(commitment.pool_size), "pool-size"],
    ]));
  if (!drawn) {
    const run = el("button", { type: "button", class: "primary" }, t("开奖", "Run the draw", "開獎"));
    run.addEventListener("click", async () => {
      if (!window.confirm(t("开奖只能一次，并会公布种子。承诺已经公布了吗？", "A draw runs once, and reveals its seed. Has the commitment been published?", "開獎只能一次，並會公佈種子。承諾已經公佈了嗎？"))) return;
      const result = await api("POST", `/draws/${draw.id}/run`);
      if (!result.ok) return say(errorMessage(result), true);
      say(t(`抽奖 #${draw.id} 已开奖。`, `Draw #${draw.id} has run.`, `抽獎 #${draw.id} 已開獎。`));
      loadDraws();
    });
    card.append(el("div", { class: "toolbar" }, run));
    return card;
  }
  const xlsx = el("button", { type: "button" }, t("下载结果 .xlsx", "Download the results (.xlsx)", "下載結果 .xlsx"));
  xlsx.addEventListener("click", () => download(`/draws/${draw.id}.xlsx?lang=${lang}`, `draw-${draw.id}.xlsx`));
  card.append(
    facts([
      [t("开奖时间", "Run at", "開獎時間"), when(draw.drawn_at)],
      [t("种子（已公布）", "Seed (revealed)", "種子（已公佈）"), el("code", {}, draw.seed), "seed"],
    ]),
    winnersTable(draw),
    draw.disqualified.length
      ? el("div", {}, el("h4", {}, t("已取消资格", "Disqualified", "已取消資格")),
        el("ol", { class: "disqualified" }, draw.disqualified.map((d) => el("li", {}, el("code", {}, d.contestant), ` · ${d.reason}`))))
      : null,
    disqualifyForm(draw),
    el("h4", {}, t("任何人都可以复核", "Anyone can check it", "任何人都可以複核")),
    el("p", { class: "hint" }, t("下载公开的抽奖记录，用 leitai 复算：种子、奖池和中奖者都应一致。", "Fetch the public record and re-run it with leitai: the seed, the pool and the winners must all agree.", "下載公開的抽獎記錄，用 leitai 復算：種子、獎池和中獎者都應一致。"),
      " ", el("a", { href: `/api/v1/draws/${draw.id}` }, t("公开记录（JSON）", "Public record (JSON)", "公開記錄（JSON）"))),
    el("pre", { class: "command", tabindex: "0", "aria-label": t("复核命令", "The command to verify it", "複核命令") }, el("code", {}, verifyCommand(draw))),
    el("div", { class: "toolbar" }, xlsx));
  return card;
}

async function loadDraws() {
  const result = await api("GET", `${owner}/draws`);
  if (!result.ok) return say(errorMessage(result), true);
  const draws = [...result.data].sort((a, b) => b.id - a.id);
  $("draws").replaceChildren(...draws.map(drawCard));
  if (!draws.length) $("draws").append(el("p", {}, t("还没有抽奖。", "No draw yet.", "還沒有抽獎。")));
}

async function loadOwner() {
  if (!CAMPAIGN) {
    const title = await roundTitle(ROUND);
    if (title) $("owner-title").textContent = `· ${title}`;
    return;
  }
  const result = await api("GET", owner);
  if (!result.ok) return say(errorMessage(result), true);
  $("owner-title").textContent = `· ${result.data.title}`;
  stages = result.data.stages;
  $("kind").dispatchEvent(new Event("change"));
}

if (requireLogin()) {
  drawFields();
  addPrize();
  $("add-prize").addEventListener("click", () => addPrize().prize.focus());
  $("draw-form").addEventListener("submit", createDraw);
  loadOwner();
  loadDraws();
}
