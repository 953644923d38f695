// Hosting a live round. Commands go over HTTP (POST /rounds/{id}/{command}); the page
// polls GET /rounds/{id} every second for status, answers in and contestants, and the
// live leaderboard every two seconds. Only removing a contestant needs the /host socket.
import { api, el, errorMessage, main, pick, requireLogin, say, t, token } from "./common.js";

const ROUND = Number(main.dataset.round);
const POLL_MS = 1000;
const BOARD_MS = 2000;
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
    lobby: t("等待开始", "Lobby"),
    question_open: t("作答中", "Answering"),
    closed: t("已截止", "Closed"),
    revealed: t("已公布答案", "Revealed"),
    paused: t("已暂停", "Paused"),
    finished: t("已结束", "Finished"),
  }[status] || status;
}

let latest = null;

function render(round) {
  latest = round;
  $("join-code").textContent = round.code;
  $("watch-code").textContent = round.watch_code;
  const state = round.state;
  if (!state) {
    $("round-status").textContent = t("自主答题", "Self-paced");
    for (const button of document.querySelectorAll("[data-command]")) button.disabled = true;
    return;
  }
  $("round-title").textContent = `· ${state.title}`;
  $("round-status").textContent = statusName(state.status);
  $("progress").textContent = state.index >= 0 ? `${state.index + 1} / ${state.total}` : `0 / ${state.total}`;
  $("contestants").textContent = String(state.contestants);
  const answers = round.answers || { count: 0, of: state.contestants };
  $("answers-in").textContent = `${answers.count} / ${answers.of}`;
  $("remaining").textContent = state.status === "question_open" && state.remaining_ms != null
    ? `${Math.ceil(state.remaining_ms / 1000)} s` : "—";
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
    box.replaceChildren(el("p", { class: "hint" }, state.status === "finished" ? t("比赛已结束。", "The round is over.") : t("还没有出题。", "No question yet.")));
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
        typeof counts[choice.key] === "number" ? ` · ${t("选择人数", "chosen by")} ${counts[choice.key]}` : "",
        answer.includes(choice.key) ? el("strong", {}, ` ${t("✓ 正确", "✓ right")}`) : null)))
      : null,
    state.reveal && !question.choices?.length ? el("p", {}, `${t("答案", "Answer")}: ${answer.join(" / ")}`) : null,
  ].filter(Boolean));
}

async function poll() {
  const result = await api("GET", `/rounds/${ROUND}`);
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
    el("td", {}, entry.region || "—"),
    el("td", {}, String(entry.points)),
    el("td", {}, el("button", {
      type: "button", class: "danger", disabled: !kickable,
      "aria-label": t(`移出 ${entry.nickname}`, `Remove ${entry.nickname}`),
      onclick: () => kick(entry),
    }, t("移出", "Remove"))))));
  if (!result.data.top.length) $("board").append(el("tr", {}, el("td", { colspan: "5" }, t("还没有选手。", "No contestants yet."))));
}

async function pollBans() {
  const result = await api("GET", `/rounds/${ROUND}/bans`);
  if (!result.ok) return;
  $("bans").replaceChildren(...result.data.bans.map((entry) => el("tr", {},
    el("td", {}, entry.nickname || entry.contestant),
    el("td", {}, entry.region || "—"),
    el("td", {}, String(entry.points)),
    el("td", {}, el("button", {
      type: "button",
      "aria-label": t(`恢复 ${entry.nickname}`, `Lift the ban on ${entry.nickname}`),
      onclick: () => lift(entry),
    }, t("恢复", "Lift ban"))))));
  if (!result.data.bans.length) $("bans").append(el("tr", {}, el("td", { colspan: "4" }, t("没有。", "None."))));
}

async function lift(entry) {
  const result = await api("DELETE", `/rounds/${ROUND}/bans/${encodeURIComponent(entry.contestant)}`);
  if (result.ok) say(t(`已恢复 ${entry.nickname}。`, `Lifted the ban on ${entry.nickname}.`));
  else $("command-error").textContent = errorMessage(result);
  pollBans();
  pollBoard();
}

async function command(name) {
  $("command-error").textContent = "";
  if (name === "finish" && !confirm(t("确定结束比赛？结束后不能再出题。", "Finish the round? No more questions can be asked."))) return;
  const result = await api("POST", `/rounds/${ROUND}/${name}`);
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
  if (!confirm(t(`确定移出 ${entry.nickname}？`, `Remove ${entry.nickname}?`))) return;
  try {
    const socket = await attachedSocket();
    const ack = await socket.timeout(8000).emitWithAck("kick", { contestant: entry.contestant });
    if (!ack.ok) throw new Error(ack.error?.message || "kick failed");
    say(t(`已移出 ${entry.nickname}。`, `Removed ${entry.nickname}.`));
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
  poll();
  pollBoard();
  pollBans();
  setInterval(poll, POLL_MS);
  setInterval(pollBoard, BOARD_MS);
  setInterval(pollBans, BOARD_MS);
}
