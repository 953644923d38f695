// The login form, and once logged in the console's home: the competitions the organiser
// hosts (GET /competitions), each with its rounds, a page at a time, and a new round.
import {
  api, clearErrors, el, errorMessage, field, localInputValue, modeName, readWindow,
  requireLogin, roundStatusName, saveLogin, showErrors, t, token,
} from "./common.js";

const next = new URLSearchParams(location.search).get("next");
const PAGE_SIZE = 8;
const WEEK_MS = 7 * 86_400_000;
const ROUNDS_SHOWN = 5; // per competition, newest first, until asked for all
const $ = (id) => document.getElementById(id);

let competitions = []; // the summaries, newest first
let shownPage = 0;
const details = new Map(); // id -> the competition with its rounds, once fetched

function matching() {
  const words = $("competition-filter").value.trim().toLowerCase().split(/\s+/).filter(Boolean);
  return competitions.filter((c) => {
    const text = `${c.title} ${c.bank} ${c.created_by || ""} #${c.id}`.toLowerCase();
    return words.every((word) => text.includes(word));
  });
}

async function showHome() {
  requireLogin();
  $("home").hidden = false;
  const result = await api("GET", "/competitions");
  if (!result.ok) {
    $("competitions").replaceChildren(el("p", { class: "error" }, errorMessage(result)));
    return;
  }
  competitions = result.data;
  $("competition-filter").addEventListener("input", () => { shownPage = 0; renderPage(); });
  // A link to one competition (#competition-12) opens the page it is on.
  const wanted = Number((location.hash.match(/^#competition-(\d+)$/) || [])[1]);
  const at = competitions.findIndex((c) => c.id === wanted);
  if (at >= 0) shownPage = Math.floor(at / PAGE_SIZE);
  await renderPage();
  if (at >= 0) $(`competition-${wanted}`)?.scrollIntoView();
}

async function renderPage() {
  const found = matching();
  const pages = Math.max(1, Math.ceil(found.length / PAGE_SIZE));
  shownPage = Math.min(shownPage, pages - 1);
  const onPage = found.slice(shownPage * PAGE_SIZE, (shownPage + 1) * PAGE_SIZE);
  $("competition-count").textContent = competitions.length
    ? t(`共 ${found.length} 场比赛`, `${found.length} competition(s)`, `共 ${found.length} 場比賽`)
    : "";
  if (!competitions.length) {
    $("competitions").replaceChildren(el("p", { class: "hint" },
      t("还没有比赛。", "No competitions yet. ", "還沒有比賽。"),
      el("a", { href: "/console/competitions/new" }, t("新建一场比赛", "Create one", "新建一場比賽"))));
  } else {
    // Rounds come with each competition: fetch those of this page not yet seen.
    await Promise.all(onPage.filter((c) => !details.has(c.id)).map(async (c) => {
      const result = await api("GET", `/competitions/${c.id}`);
      details.set(c.id, result.ok ? result.data : { ...c, rounds: null });
    }));
    $("competitions").replaceChildren(...onPage.map((c) => competitionCard(details.get(c.id))));
  }
  renderPager(pages);
}

function renderPager(pages) {
  const go = (page) => () => { shownPage = page; renderPage(); };
  $("competition-pages").replaceChildren(...(pages > 1 ? [
    el("button", { type: "button", disabled: shownPage === 0, onclick: go(shownPage - 1) }, t("上一页", "Previous", "上一頁")),
    el("span", { "aria-current": "page" }, t(`第 ${shownPage + 1} / ${pages} 页`, `Page ${shownPage + 1} of ${pages}`, `第 ${shownPage + 1} / ${pages} 頁`)),
    el("button", { type: "button", disabled: shownPage >= pages - 1, onclick: go(shownPage + 1) }, t("下一页", "Next", "下一頁")),
  ] : []));
}

function competitionCard(competition) {
  const titleId = `competition-${competition.id}-title`;
  const rounds = (competition.rounds || []).slice().sort((a, b) => b.id - a.id);
  return el("article", { class: "card competition", id: `competition-${competition.id}`, "aria-labelledby": titleId },
    el("div", { class: "heading" },
      el("h2", { id: titleId }, competition.title),
      el("span", { class: "hint" }, [
        modeName(competition.mode),
        `${competition.bank} v${competition.bank_version}`,
        competition.created_by ? t(`创建者 ${competition.created_by}`, `by ${competition.created_by}`, `創建者 ${competition.created_by}`) : null,
      ].filter(Boolean).join(" · "))),
    competition.rounds === null
      ? el("p", { class: "error" }, t("无法读取场次。", "Could not read the rounds.", "無法讀取場次。"))
      : roundsTable(rounds),
    newRoundForm(competition));
}

/** The newest rounds, and a button for the rest when there are many. */
function roundsTable(rounds) {
  if (!rounds.length) return el("p", { class: "hint" }, t("还没有场次。", "No rounds yet.", "還沒有場次。"));
  const table = roundRows(rounds.slice(0, ROUNDS_SHOWN));
  if (rounds.length <= ROUNDS_SHOWN) return table;
  const more = el("button", {
    type: "button", class: "link",
    onclick: () => { box.replaceChildren(roundRows(rounds)); box.querySelector("a")?.focus(); },
  }, t(`显示全部 ${rounds.length} 场`, `Show all ${rounds.length} rounds`, `顯示全部 ${rounds.length} 場`));
  const box = el("div", {}, table, more);
  return box;
}

function roundRows(rounds) {
  return el("table", { class: "grid rounds" },
    el("caption", { class: "sr-only" }, t("场次", "Rounds", "場次")),
    el("thead", {}, el("tr", {}, [t("场次", "Round", "場次"), t("加入码", "Join code", "加入碼"), t("观看码", "Watch code", "觀看碼"), t("状态", "Status", "狀態"), t("操作", "Actions", "操作")]
      .map((name) => el("th", { scope: "col" }, name)))),
    el("tbody", {}, rounds.map((round) => el("tr", { dataset: { round: String(round.id) } },
      el("th", { scope: "row" }, `#${round.id}`),
      el("td", {}, el("code", {}, round.code)),
      el("td", {}, el("code", {}, round.watch_code)),
      el("td", { class: `state ${round.status}` }, roundStatusName(round.status)),
      el("td", {}, el("div", { class: "actions" },
        el("a", { href: `/console/rounds/${round.id}`, "aria-label": t(`主持场次 ${round.id}`, `Host round ${round.id}`, `主持場次 ${round.id}`) }, t("主持", "Host", "主持")),
        el("a", { href: `/console/rounds/${round.id}/results`, "aria-label": t(`场次 ${round.id} 的成绩`, `Results of round ${round.id}`, `場次 ${round.id} 的成績`) }, t("成绩", "Results", "成績"))))))));
}

/** "Open a new round": at once for a live competition; a self-paced one asks its window. */
function newRoundForm(competition) {
  const selfPaced = competition.mode === "self_paced";
  const form = el("form", { class: "inline new-round", novalidate: true });
  const problem = el("p", { class: "error", role: "alert" });
  let opens = null;
  let closes = null;
  if (selfPaced) {
    const now = Date.now();
    opens = el("input", { type: "datetime-local", value: localInputValue(now) });
    closes = el("input", { type: "datetime-local", value: localInputValue(now + WEEK_MS) });
    form.append(field("opens_at", t("开始", "Opens", "開始"), opens), field("closes_at", t("结束", "Closes", "結束"), closes));
  }
  form.append(el("button", { type: "submit" }, t("开新一场", "Open a new round", "開新一場")), problem);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    problem.textContent = "";
    let body;
    if (selfPaced) {
      const read = readWindow(opens, closes);
      if (read.problems) return showErrors(form, read.problems);
      body = read.window;
    }
    const created = await api("POST", `/competitions/${competition.id}/rounds`, body);
    if (!created.ok) {
      showErrors(form, created.data?.error?.fields);
      problem.textContent = errorMessage(created);
      return;
    }
    location.assign(`/console/rounds/${created.data.id}`);
  });
  return form;
}

function showLogin() {
  const section = document.getElementById("login");
  section.hidden = false;
  const form = document.getElementById("login-form");
  const formError = document.getElementById("form-error");
  document.getElementById("username").focus();
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    formError.textContent = "";
    const body = { username: form.username.value.trim(), password: form.password.value };
    const missing = {};
    if (!body.username) missing.username = [t("请输入用户名", "Enter your username", "請輸入用户名")];
    if (!body.password) missing.password = [t("请输入密码", "Enter your password", "請輸入密碼")];
    if (Object.keys(missing).length) {
      showErrors(form, missing);
      form.querySelector("[aria-invalid]").focus();
      return;
    }
    const result = await api("POST", "/auth/token", body);
    if (!result.ok) {
      showErrors(form, result.data?.error?.fields);
      formError.textContent = result.status === 401
        ? t("用户名或密码不对。", "Wrong username or password.", "用户名或密碼不對。")
        : result.data?.error?.message || t("登录失败。", "Login failed.", "登錄失敗。");
      return;
    }
    saveLogin(result.data);
    // Only a path on this site, never another origin.
    location.assign(next && next.startsWith("/") && !next.startsWith("//") ? next : "/console");
  });
}

if (token()) showHome();
else showLogin();
