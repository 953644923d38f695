// Hosting a round. Commands go over HTTP (POST /rounds/{id}/{command}); the page
// polls GET /rounds/{id} every second for status, answers in and contestants, and the
// live leaderboard every two seconds. Only removing a contestant needs the /host socket.
// Time left counts down between polls on an estimate of the server's clock.
import { api, duration, el, errorMessage, main, pick, requireLogin, say, t, token } from "./common.js";

const ROUND = Number(main.dataset.round);
const POLL_MS = 1000;
const BOARD_MS = 2000;
const TICK_MS = 200;
const $ = (id) => document.getElementById(id);

/** Which commands make sense in which status (the server decides; this only guides). */
const ALLOWED = {
  lobby: ["start", "finish"],
  question_open: ["close", "pause", "skip", "finish"],
  closed: ["reveal", "next", "skip", "finish"],
  revealed: ["next", "finish"],
  paused: ["resume", "finish"],
  finished: [],
};

function statusName(status) {
  return {
    lobby: t("等待开始", "Lobby", "等待開始"),
    question_open: t("作答中", "Answering", "作答中"),
    closed: t("已截止", "Closed", "已截止"),
    revealed: t("已公布答案", "Revealed", "已公佈答案"),
    paused: t("已暂停", "Paused", "已暫停"),
    finished: t("已结束", "Finished", "已結束"),
  }[status] || status;
}

/**
 * The server's clock as an offset from this one, bounded by what the answers say: a
 * reply's Date header (whole seconds) was read between the call leaving and coming back,
 * and a question the server opened had opened by the time its reply arrived. A few
 * polls narrow the bounds to well under a second; a jump of either clock resets them.
 */
const clock = {
  low: -Infinity,
  high: Infinity,
  reply(result) {
    if (Number.isNaN(result.date) || !result.sentAt) return;
    this.bound(result.date - result.receivedAt, result.date + 1000 - result.sentAt);
    const opened = result.data?.state?.question?.opens_at;
    if (typeof opened === "number") this.bound(opened - result.receivedAt, Infinity);
  },
  bound(low, high) {
    if (low > this.high || high < this.low) [this.low, this.high] = [-Infinity, Infinity];
    this.low = Math.max(this.low, low);
    this.high = Math.min(this.high, high);
  },
  now() {
    const offset = Number.isFinite(this.high) ? (Number.isFinite(this.low) ? (this.low + this.high) / 2 : this.high) : this.low;
    return Date.now() + (Number.isFinite(offset) ? offset : 0);
  },
};

let latest = null;

/** Time left: the open question's (held while paused), or a self-paced round's window. */
function tick() {
  const state = latest?.state;
  const box = $("remaining");
  if (latest && !state && latest.window) {
    const { opens_at: opens, closes_at: closes } = latest.window;
    const now = clock.now();
    box.textContent = now < opens
      ? `${t("距开始", "opens in", "距開始")} ${duration(opens - now)}`
      : now < closes ? duration(closes - now) : t("已结束", "closed", "已結束");
    return;
  }
  const closes = state?.question?.closes_at;
  if (state?.status === "question_open" && typeof closes === "number") {
    box.textContent = `${Math.ceil(Math.max(0, closes - clock.now()) / 1000)} s`;
  } else if (state?.status === "paused" && typeof closes === "number") {
    // The server pushes the deadline by the pause on resume: what is left now stays.
    if (!box.dataset.paused) box.dataset.paused = `${box.textContent} · ${t("已暂停", "paused", "已暫停")}`;
    box.textContent = box.dataset.paused;
    return;
  } else {
    box.textContent = state?.status === "closed" || state?.status === "revealed" ? "0 s" : "—";
  }
  delete box.dataset.paused;
}

function renderLinks(round) {
  if ($("join-link").textContent) return;
  const join = new URL(`/play/${round.code}`, location.origin).href;
  const watch = new URL(`/watch/${round.watch_code}`, location.origin).href;
  Object.assign($("join-link"), { href: join, textContent: join });
  Object.assign($("watch-link"), { href: watch, textContent: watch });
  Object.assign($("join-qr"), {
    src: `/play/${round.code}/qr.svg`, hidden: false,
    alt: t(`加入二维码：${join}`, `Join QR code: ${join}`, `加入二維碼：${join}`),
  });
  $("competition-link").href = `/console#competition-${round.competition_id}`;
  loadRegionNames(round.code);
}

let regionNames = {}; // code -> {locale: name}, from the round's public join details

async function loadRegionNames(code) {
  try {
    const response = await fetch(`/play/${encodeURIComponent(code)}/info`);
    if (!response.ok) return;
    regionNames = Object.fromEntries((await response.json()).regions.map((region) => [region.code, region.name]));
  } catch {
    // Offline for a moment: the boards show region codes until the next page load.
  }
}

function regionName(code) {
  return code ? pick(regionNames[code], document.documentElement.lang) || code : "—";
}

async function copy(id) {
  const text = $(id).href;
  try {
    await navigator.clipboard.writeText(text);
    say(t(`已复制：${text}`, `Copied: ${text}`, `已複製：${text}`));
  } catch {
    // No clipboard (an insecure origin, or permission refused): select it for Ctrl+C.
    getSelection().selectAllChildren($(id));
    say(t("请按 Ctrl+C 复制所选链接。", "Press Ctrl+C to copy the selected link.", "請按 Ctrl+C 複製所選鏈接。"));
  }
}

function render(round) {
  latest = round;
  $("join-code").textContent = round.code;
  $("watch-code").textContent = round.watch_code;
  renderLinks(round);
  const state = round.state;
  if (!state) {
    // A self-paced round runs by itself: nothing to drive, no one question open.
    $("round-status").textContent = t("自主答题", "Self-paced", "自主答題");
    $("controls-card").hidden = $("question-card").hidden = true;
    if (round.window) {
      const when = (ms) => new Date(ms).toLocaleString(document.documentElement.lang);
      $("window-stat").hidden = false;
      $("window").textContent = `${when(round.window.opens_at)} – ${when(round.window.closes_at)}`;
    }
    tick();
    return;
  }
  $("round-title").textContent = `· ${state.title}`;
  $("round-status").textContent = statusName(state.status);
  $("progress").textContent = state.index >= 0 ? `${state.index + 1} / ${state.total}` : `0 / ${state.total}`;
  $("contestants").textContent = String(state.contestants);
  const answers = round.answers || { count: 0, of: state.contestants };
  $("answers-in").textContent = `${answers.count} / ${answers.of}`;
  tick();
  const allowed = new Set(ALLOWED[state.status] || []);
  if (state.index + 1 >= state.total) allowed.delete("next");
  for (const button of document.querySelectorAll("[data-command]")) {
    button.disabled = !allowed.has(button.dataset.command);
  }
  renderQuestion(state);
}

function renderQuestion(state) {
  const box = $("question");
  const question = state.question;
  if (!question) {
    box.replaceChildren(el("p", { class: "hint" }, state.status === "finished" ? t("比赛已结束。", "The round is over.", "比賽已結束。") : t("还没有出题。", "No question yet.", "還沒有出題。")));
    return;
  }
  const lang = document.documentElement.lang;
  const answer = state.reveal?.answer || [];
  const counts = state.reveal?.stats?.options || state.reveal?.stats || {};
  box.replaceChildren(...[
    el("p", { class: "prompt" }, pick(question.prompt, lang)),
    question.choices?.length
      ? el("ol", { class: "options" }, question.choices.map((choice) => el("li", { class: answer.includes(choice.key) ? "right" : "" },
        pick(choice.text, lang),
        typeof counts[choice.key] === "number" ? ` · ${t("选择人数", "chosen by", "選擇人數")} ${counts[choice.key]}` : "",
        answer.includes(choice.key) ? el("strong", {}, ` ${t("✓ 正确", "✓ right", "✓ 正確")}`) : null)))
      : null,
    state.reveal && !question.choices?.length ? el("p", {}, `${t("答案", "Answer", "答案")}: ${answer.join(" / ")}`) : null,
  ].filter(Boolean));
}

async function poll() {
  const result = await api("GET", `/rounds/${ROUND}`);
  clock.reply(result);
  if (result.ok) render(result.data);
  else say(errorMessage(result), true);
}

async function pollBoard() {
  const result = await api("GET", `/rounds/${ROUND}/leaderboard?limit=50`);
  if (!result.ok) return;
  const kickable = Boolean(main.dataset.socketClient) && latest?.state?.status !== "finished";
  $("board").replaceChildren(...result.data.top.map((entry) => el("tr", {},
    el("td", {}, String(entry.rank)),
    el("td", {}, entry.nickname || entry.contestant),
    el("td", {}, regionName(entry.region)),
    el("td", {}, String(entry.points)),
    el("td", {}, el("button", {
      type: "button", class: "danger", disabled: !kickable,
      "aria-label": t(`移出 ${entry.nickname}`, `Remove ${entry.nickname}`, `移出 ${entry.nickname}`),
      onclick: () => kick(entry),
    }, t("移出", "Remove", "移出"))))));
  if (!result.data.top.length) $("board").append(el("tr", {}, el("td", { colspan: "5" }, t("还没有选手。", "No contestants yet.", "還沒有選手。"))));
}

async function pollBans() {
  const result = await api("GET", `/rounds/${ROUND}/bans`);
  if (!result.ok) return;
  $("bans").replaceChildren(...result.data.bans.map((entry) => el("tr", {},
    el("td", {}, entry.nickname || entry.contestant),
    el("td", {}, regionName(entry.region)),
    el("td", {}, String(entry.points)),
    el("td", {}, el("button", {
      type: "button",
      "aria-label": t(`恢复 ${entry.nickname}`, `Lift the ban on ${entry.nickname}`, `恢復 ${entry.nickname}`),
      onclick: () => lift(entry),
    }, t("恢复", "Lift ban", "恢復"))))));
  if (!result.data.bans.length) $("bans").append(el("tr", {}, el("td", { colspan: "4" }, t("没有。", "None.", "沒有。"))));
}

async function lift(entry) {
  const result = await api("DELETE", `/rounds/${ROUND}/bans/${encodeURIComponent(entry.contestant)}`);
  if (result.ok) say(t(`已恢复 ${entry.nickname}。`, `Lifted the ban on ${entry.nickname}.`, `已恢復 ${entry.nickname}。`));
  else $("command-error").textContent = errorMessage(result);
  pollBans();
  pollBoard();
}

async function command(name) {
  $("command-error").textContent = "";
  if (name === "finish" && !confirm(t("确定结束比赛？结束后不能再出题。", "Finish the round? No more questions can be asked.", "確定結束比賽？結束後不能再出題。"))) return;
  const result = await api("POST", `/rounds/${ROUND}/${name}`);
  clock.reply(result);
  if (!result.ok) {
    $("command-error").textContent = errorMessage(result);
    return;
  }
  render(result.data);
  say(`${statusName(result.data.state.status)} · ${$("progress").textContent}`);
}

let hostSocket = null;

/** The /host socket, attached with this organiser's token, opened on first use. */
async function attachedSocket() {
  if (hostSocket) return hostSocket;
  const { io } = await import(main.dataset.socketClient);
  const socket = io("/host", { transports: ["websocket"] });
  const ack = await socket.timeout(8000).emitWithAck("attach", { round: ROUND, token: token() });
  if (!ack.ok) throw new Error(ack.error?.message || "attach failed");
  hostSocket = socket;
  return socket;
}

async function kick(entry) {
  if (!confirm(t(`确定移出 ${entry.nickname}？`, `Remove ${entry.nickname}?`, `確定移出 ${entry.nickname}？`))) return;
  try {
    const socket = await attachedSocket();
    const ack = await socket.timeout(8000).emitWithAck("kick", { contestant: entry.contestant });
    if (!ack.ok) throw new Error(ack.error?.message || "kick failed");
    say(t(`已移出 ${entry.nickname}。`, `Removed ${entry.nickname}.`, `已移出 ${entry.nickname}。`));
  } catch (error) {
    $("command-error").textContent = String(error.message || error);
  }
  pollBoard();
  pollBans();
}

if (requireLogin()) {
  for (const button of document.querySelectorAll("[data-command]")) {
    button.addEventListener("click", () => command(button.dataset.command));
  }
  for (const button of document.querySelectorAll("[data-copy]")) {
    button.addEventListener("click", () => copy(button.dataset.copy));
  }
  poll();
  pollBoard();
  pollBans();
  setInterval(poll, POLL_MS);
  setInterval(pollBoard, BOARD_MS);
  setInterval(pollBans, BOARD_MS);
  setInterval(tick, TICK_MS);
}
