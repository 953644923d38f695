// The spectators' big screen: the current question, its answer distribution once
// revealed, the top 10 with animated rank changes, and the regions in the top 10.
//
// Nothing here can show an answer early: the question event carries none, the right
// option is marked only from a `reveal`, and the board moves only when a question
// closes; while it is open the screen shows how many have answered (`answers`).

import { apply, bindLocaleSelect, pick, t } from "./i18n.js";
import { Countdown, liveSocket } from "./live-socket.js";

const SHAPES = ["▲", "◆", "●", "■"];
const EVENTS = ["state", "question", "closed", "reveal", "leaderboard", "finished", "answers"];
const MOVE_MS = 700;

const root = document.querySelector("[data-watch]");
const find = (name) => root.querySelector(`[data-${name}]`);
const regionNames = JSON.parse(root.dataset.regions || "{}");
const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)");

const screen = { status: null, question: null, reveal: null, top: [], frozen: false };

const live = liveSocket("/watch", {
  events: EVENTS,
  hello: (call) => call("watch", { code: root.dataset.watchCode }),
  onSynced: (ack, fresh) => {
    if (!ack.ok) return;
    if (ack.leaderboard) renderBoard(ack.leaderboard.top, ack.leaderboard.frozen);
    if (fresh) renderState(ack.state, true);
  },
  on: (name, data) => {
    if (name === "question") renderQuestion(data, "question_open");
    else if (name === "closed") renderClosed();
    else if (name === "reveal") renderReveal(data);
    else if (name === "leaderboard") renderBoard(data.top, data.frozen);
    else if (name === "finished") finish(data);
    else if (name === "state") renderState(data, false);
    else if (name === "answers") renderAnswered(data);
  },
});

const countdown = new Countdown(live.clock, {
  draw: (seconds) => {
    find("seconds").textContent = String(seconds);
  },
  announce: (mark) => {
    find("announce").textContent = mark === 0 ? t("time_up") : t("seconds_left", { s: mark });
  },
});

function renderState(state, force) {
  const sameQuestion = screen.question && state.index === screen.question.index;
  if (!force && state.status === screen.status && sameQuestion) return;
  switch (state.status) {
    case "lobby":
      screen.status = "lobby";
      setStatus(t("waiting_start"), "waiting_start");
      break;
    case "question_open":
    case "paused":
    case "closed":
      renderQuestion(state.question, state.status);
      break;
    case "revealed":
      renderQuestion(state.question, "closed");
      if (state.reveal) renderReveal(state.reveal);
      break;
    case "finished":
      finish(null);
      break;
  }
}

function setStatus(text, key = "") {
  const status = find("status");
  status.textContent = text;
  if (key) status.dataset.i18n = key;
  else delete status.dataset.i18n;
}

function renderQuestion(question, status) {
  if (!question) return;
  const fresh = !screen.question || screen.question.key !== question.key || screen.question.index !== question.index;
  screen.status = status;
  screen.question = question;
  if (fresh) {
    screen.reveal = null;
    drawQuestion();
  }
  if (status === "question_open") {
    setStatus("");
    countdown.start(question.closes_at);
  } else if (status === "paused") {
    countdown.stop();
    setStatus(t("paused"), "paused");
  } else {
    renderClosed();
  }
}

function drawQuestion() {
  const question = screen.question;
  if (!question) return;
  find("progress").textContent = t("question_of", { n: question.index + 1, total: question.total });
  find("prompt").textContent = pick(question.prompt);
  find("answers-count").textContent = "";
  const options = find("options");
  options.replaceChildren(...optionsOf(question).map(([key, label, position]) => {
    const item = document.createElement("li");
    item.className = position === null ? "option plain" : `option shape-${position % SHAPES.length}`;
    item.dataset.key = key;
    const shape = document.createElement("span");
    shape.className = "shape";
    shape.setAttribute("aria-hidden", "true");
    shape.textContent = position === null ? "" : SHAPES[position % SHAPES.length];
    const text = document.createElement("span");
    text.className = "label";
    text.textContent = label;
    const count = document.createElement("span");
    count.className = "count";
    const bar = document.createElement("span");
    bar.className = "bar";
    bar.setAttribute("aria-hidden", "true");
    item.append(bar, shape, text, count);
    return item;
  }));
  if (screen.reveal) drawReveal();
}

/** The options as the audience sees them: [histogram key, label, shape position | null]. */
function optionsOf(question) {
  if (question.type === "single" || question.type === "multiple") {
    return question.choices.map((choice, position) => [choice.key, pick(choice.text), position]);
  }
  if (question.type === "true_false") {
    return [["true", t("true"), 0], ["false", t("false"), 1]];
  }
  // Text and order answers are tallied right or wrong; the order items are listed plainly.
  return [["correct", t("right_answer"), null], ["wrong", t("wrong_answer"), null]];
}

/** The live "N answered" count of the open question (the reveal shows the final one). */
function renderAnswered(answered) {
  if (!screen.question || screen.reveal || answered.index !== screen.question.index) return;
  find("answers-count").textContent = t("answers_count", { count: answered.count });
}

function renderClosed() {
  countdown.stop();
  find("seconds").textContent = "0";
  if (!screen.reveal) setStatus(t("time_up"), "time_up");
}

function renderReveal(reveal) {
  if (!screen.question || screen.question.key !== reveal.key) return;
  screen.status = "revealed";
  screen.reveal = reveal;
  countdown.stop();
  find("seconds").textContent = "";
  drawReveal();
}

function drawReveal() {
  const { answer, stats } = screen.reveal;
  const question = screen.question;
  const right = new Set(
    question.type === "text" || question.type === "order" ? ["correct"] : answer.map(String),
  );
  const counts = stats.options ?? {};
  const most = Math.max(1, ...Object.values(counts));
  const options = find("options");
  for (const item of options.children) {
    const count = counts[item.dataset.key] ?? 0;
    item.classList.toggle("right", right.has(item.dataset.key));
    item.querySelector(".count").textContent = String(count);
    item.querySelector(".bar").style.width = `${(100 * count) / most}%`;
  }
  find("answers-count").textContent = t("answers_count", { count: stats.answers ?? 0 });
  setStatus(answerLine(question, answer));
}

function answerLine(question, answer) {
  if (question.type === "text") return t("answer_was", { answer: answer.join(" / ") });
  if (question.type === "order") {
    const texts = Object.fromEntries(question.choices.map((c) => [c.key, pick(c.text)]));
    return t("answer_was", { answer: answer.map((key) => texts[key] ?? key).join(" → ") });
  }
  return "";
}

function finish(finished) {
  screen.status = "finished";
  countdown.stop();
  setStatus(t("finished_title"), "finished_title");
  if (finished && finished.top) renderBoard(finished.top, false);
}

// --- leaderboard with FLIP: First, Last, Invert, Play ------------------------------------

function renderBoard(top, frozen) {
  screen.top = top;
  screen.frozen = frozen;
  find("frozen").textContent = frozen ? t("frozen") : "";
  const board = find("board");
  const before = new Map();
  for (const row of board.children) before.set(row.dataset.contestant, row.getBoundingClientRect().top);
  const rows = new Map([...board.children].map((row) => [row.dataset.contestant, row]));
  const ordered = top.map((entry) => {
    const row = rows.get(entry.contestant) ?? newRow(entry.contestant);
    fillRow(row, entry);
    return row;
  });
  board.replaceChildren(...ordered);
  renderRegions(top);
  if (reducedMotion.matches) return;
  for (const row of ordered) {
    const first = before.get(row.dataset.contestant);
    if (first === undefined) continue;
    const delta = first - row.getBoundingClientRect().top;
    if (Math.abs(delta) < 1) continue;
    row.animate(
      [{ transform: `translateY(${delta}px)` }, { transform: "translateY(0)" }],
      { duration: MOVE_MS, easing: "cubic-bezier(0.2, 0.8, 0.2, 1)" },
    );
    row.classList.add("moved");
    setTimeout(() => row.classList.remove("moved"), MOVE_MS);
  }
}

function newRow(contestant) {
  const row = document.createElement("li");
  row.dataset.contestant = contestant;
  for (const part of ["rank", "name", "points"]) {
    const cell = document.createElement("span");
    cell.className = part;
    row.append(cell);
  }
  return row;
}

function fillRow(row, entry) {
  row.querySelector(".rank").textContent = String(entry.rank);
  const name = row.querySelector(".name");
  name.textContent = entry.nickname ?? entry.contestant;
  if (entry.region) {
    const region = document.createElement("span");
    region.className = "region";
    region.textContent = regionName(entry.region);
    name.append(region);
  }
  row.querySelector(".points").textContent = String(entry.points);
}

function regionName(code) {
  return regionNames[code] ? pick(regionNames[code]) : code;
}

/** Regions by places held in the top 10 (then by their best rank): no extra requests. */
function renderRegions(top) {
  const tally = new Map();
  for (const entry of top) {
    if (!entry.region) continue;
    const seen = tally.get(entry.region) ?? { places: 0, best: entry.rank };
    seen.places += 1;
    seen.best = Math.min(seen.best, entry.rank);
    tally.set(entry.region, seen);
  }
  const ranked = [...tally].sort((a, b) => b[1].places - a[1].places || a[1].best - b[1].best);
  find("regions-list").replaceChildren(...ranked.map(([code, { places }]) => {
    const item = document.createElement("li");
    const count = document.createElement("span");
    count.className = "count";
    count.textContent = String(places);
    item.append(regionName(code), count);
    return item;
  }));
}

bindLocaleSelect(() => {
  drawQuestion();
  if (screen.status === "closed") renderClosed();
  renderBoard(screen.top, screen.frozen);
  apply();
});
