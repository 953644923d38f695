// The contestant's phone: join, lobby, questions, reveal, final standing.
//
// The page keeps the resume token in localStorage, so a reload or a dropped line joins
// the same contestant again; after every (re)join it renders the state the server sends.

import { apply, bindLocaleSelect, has, locale, pick, t } from "./i18n.js";
import { Countdown, liveSocket, playInStep } from "./live-socket.js";
import { showCertificates } from "./my-certificates.js";
import { questionImage } from "./question-media.js";
import { reviewItem } from "./review-items.js";

const SHAPES = ["▲", "◆", "●", "■"];
const EVENTS = [
  "state", "question", "closed", "reveal", "finished", "eliminated", "revived", "kicked",
];
const ME_JITTER_MS = 600; // spreads the `me` calls a reveal sets off across a hall
// A self-paced question counts as missed only after the server's grace (500 ms) is over.
const PACED_TIME_UP_MS = 1000;

const root = document.querySelector("[data-play]");
const find = (name) => root.querySelector(`[data-${name}]`);
const stages = [...root.querySelectorAll("[data-stage]")];
const form = find("join-form");

const page = {
  code: root.dataset.code || "",
  info: null,
  session: null, // {code, token, contestant, nickname}
  pending: null, // a join the form asked for, sent on the next hello
  registration: null, // {id, token, nickname} the campaign's page kept, for its rounds
  registrationSent: false,
  stage: "join",
  status: null,
  question: null,
  renderedKey: null,
  answered: false,
  queued: null, // {question, answer}: tapped while the line was down, sent on reconnect
  mine: null, // {key, response}: what this phone answered, shown back at the reveal
  reveal: null,
  you: null,
  top: null,
  paced: false, // a self-paced round: the page asks for each question itself
  pacedTimer: null,
};
const clips = new Map(); // url -> preloaded Audio

// --- storage ----------------------------------------------------------------------------

const SESSION = "leitai.play.session";

function loadSession() {
  try {
    return JSON.parse(localStorage.getItem(SESSION));
  } catch {
    return null;
  }
}

function saveSession(session) {
  page.session = session;
  try {
    if (session) localStorage.setItem(SESSION, JSON.stringify(session));
    else localStorage.removeItem(SESSION);
  } catch {
    // Without storage a reload joins anew; nothing else depends on it.
  }
}

// --- elderly mode -----------------------------------------------------------------------
// Larger text and targets, one column, a bigger timer: a class on <html> the stylesheet
// reads, so rem sizes grow with it. `?elder=1` (or 0) in a join link sets it, for an
// organiser handing out an elderly-mode link; the phone remembers the choice.

const ELDER = "leitai.play.elder";

function readElder() {
  const url = new URL(location.href);
  const asked = url.searchParams.get("elder");
  if (asked === "1" || asked === "0") {
    // Taken once: a reload then keeps what the switch says, not what the link said.
    url.searchParams.delete("elder");
    history.replaceState(null, "", url.pathname + url.search + url.hash);
    return asked === "1";
  }
  try {
    return localStorage.getItem(ELDER) === "1";
  } catch {
    return false;
  }
}

const elderSwitch = document.querySelector("[data-elder-switch]");

function setElder(on) {
  document.documentElement.classList.toggle("elder", on);
  elderSwitch.setAttribute("aria-pressed", String(on));
  try {
    localStorage.setItem(ELDER, on ? "1" : "0");
  } catch {
    // Without storage the mode lasts for this page; a link's `?elder=1` sets it again.
  }
}

// --- socket -----------------------------------------------------------------------------

const live = liveSocket("/play", {
  events: EVENTS,
  hello: async (call) => {
    const join = page.pending ?? resumeJoin();
    page.pending = null; // sent once: a reconnect resumes with the token instead
    if (!join) return null;
    const ack = await call("join", join);
    return { ...ack, sent: join };
  },
  onSynced: joined,
  on: onEvent,
  onStatus: (status) => {
    const line = document.querySelector("[data-connection]");
    line.textContent = status === "connected" ? "" : t("reconnecting");
    document.body.classList.toggle("reconnecting", status !== "connected");
  },
});

function resumeJoin() {
  const session = page.session;
  if (!session || (page.code && session.code !== page.code)) return null;
  return { code: session.code, nickname: session.nickname, resume_token: session.token };
}

const countdown = new Countdown(live.clock, {
  draw: (seconds) => {
    find("seconds").textContent = String(seconds);
    const question = page.question;
    if (!question) return;
    const span = question.closes_at - question.opens_at;
    const share = span > 0 ? (question.closes_at - live.clock.now()) / span : 0;
    find("timer-fill").style.transform = `scaleX(${Math.min(1, Math.max(0, share))})`;
  },
  announce: (mark) => {
    find("announce").textContent = mark === 0 ? t("time_up") : t("seconds_left", { s: mark });
  },
});

function joined(ack, fresh) {
  if (!ack.ok) {
    refused(ack.error, !ack.sent.resume_token);
    return;
  }
  const code = ack.sent.code.toUpperCase();
  saveSession({
    code,
    token: ack.token,
    contestant: ack.contestant.id,
    nickname: ack.contestant.nickname,
  });
  if (page.code !== code) {
    page.code = code;
    history.replaceState(null, "", `/play/${encodeURIComponent(code)}`);
    loadInfo(code);
  }
  notice("");
  sendFocusReports();
  if (ack.paper) {
    page.paced = true;
    // Asking for the next question starts its clock: a reconnect while the contestant
    // reads a result or the final standing stays there (or answers what it tapped).
    if (page.queued) sendQueued();
    else if (page.stage !== "result" && page.stage !== "finished") pacedNext();
    return;
  }
  if (fresh) renderState(ack.state, { force: true });
  sendQueued();
}

// A resume refused with one of these will never succeed: join anew.
const DEAD_SESSION = new Set(["kicked", "banned", "token_invalid", "not_found"]);
// Refusals whose words the page already has under the code's own name.
const WORDED = { kicked: "kicked", banned: "banned", throttled: "throttled",
  unavailable: "unavailable", timeout: "reconnecting" };

/**
 * A refusal in the reader's language: the page's words for its code in this `context`
 * ("join", "answer"), for its `reason` (one code, several situations), for the code;
 * the server's English message only for a code the page does not know.
 */
function errorText(error, context) {
  if (!error) return t("reconnecting");
  if (WORDED[error.code]) return t(WORDED[error.code]);
  const keys = [`err_${context}_${error.code}`, `err_${error.code}`];
  if (error.reason) keys.unshift(`err_${error.code}_${error.reason}`);
  const key = keys.find(has);
  return key ? t(key) : (error.message ?? "");
}

/** A form field's problem in the reader's language (the server words it in English). */
function fieldText(error, name, problems) {
  if (name === "nickname" && error.reason && has(`err_nickname_${error.reason}`)) {
    return t(`err_nickname_${error.reason}`);
  }
  if (error.code === "conflict" && has(`err_${name}_taken`)) return t(`err_${name}_taken`);
  if (error.code === "not_found" && name === "code") return t("unknown_code");
  if (has(`err_field_${name}`)) return t(`err_field_${name}`);
  return [].concat(problems).join(" ");
}

function refused(error, fromForm) {
  if (!fromForm && DEAD_SESSION.has(error.code)) {
    saveSession(null);
    notice(errorText(error, "join"));
    show("join");
    return;
  }
  if (fromForm && error.code === "not_found") {
    showFieldErrors({ ...error, fields: { code: ["not_found"] } });
    return;
  }
  if (fromForm && error.fields) showFieldErrors(error);
  else notice(errorText(error, "join"));
}

function onEvent(name, data) {
  switch (name) {
    case "question":
      renderQuestion(data, "question_open");
      break;
    case "closed":
      if (page.question && page.question.index === data.index) closeQuestion();
      break;
    case "reveal":
      renderReveal(data, null);
      // Only while this reveal is still on screen: the next question may come first.
      pullMe().then((you) => you && page.reveal === data && page.stage === "result" && renderReveal(data, you));
      break;
    case "finished":
      page.top = data.top;
      renderFinished(null);
      pullMe().then((you) => you && renderFinished(you));
      break;
    case "eliminated":
    case "revived":
      if (page.session && data.contestants.includes(page.session.contestant)) {
        notice(t(name));
      }
      break;
    case "state":
      renderState(data, { force: false });
      break;
    case "kicked": // no resume: the session goes, and so does the connection
      refused({ code: "kicked" }, false);
      live.socket.disconnect();
      break;
  }
}

async function pullMe() {
  await new Promise((resolve) => setTimeout(resolve, Math.random() * ME_JITTER_MS));
  const ack = await live.call("me");
  return ack && ack.ok ? ack.you : null;
}

// --- rendering ----------------------------------------------------------------------------

function show(stage) {
  const changed = page.stage !== stage;
  page.stage = stage;
  for (const section of stages) section.hidden = section.dataset.stage !== stage;
  document.body.classList.toggle("asking", stage === "question"); // see .elder-switch
  if (changed) {
    // Say where the page went: the stage's heading takes the focus.
    const heading = root.querySelector(`[data-stage="${stage}"] h1`);
    heading?.focus();
  }
}

function notice(text) {
  const element = find("notice");
  element.textContent = text;
  element.hidden = !text;
}

/** The server's state: after a (re)join everything; a broadcast only when it moved on. */
function renderState(state, { force }) {
  if (!state) return;
  const sameIndex = page.question && state.index === page.question.index;
  if (!force && state.status === page.status && sameIndex) return;
  if (state.you) page.you = state.you;
  if (state.title) find("title").textContent = state.title;
  page.status = state.status;
  const result = state.you && state.you.result;
  switch (state.status) {
    case "lobby":
      renderLobby(state);
      break;
    case "question_open":
    case "paused":
    case "closed":
      renderQuestion(state.question, state.status, Boolean(result));
      break;
    case "revealed":
      page.question = state.question;
      if (state.reveal) renderReveal(state.reveal, state.you ?? null);
      break;
    case "finished":
      renderFinished(state.you ?? null);
      break;
  }
}

function renderLobby(state) {
  page.question = null;
  find("you").textContent = t("you_are", { nickname: page.session?.nickname ?? "" });
  showCount(state.contestants ?? 0);
  showShareCode();
  show("lobby");
  if (state.round) lobbyCount.start(state.round);
}

// The lobby's count as people join: the round's public board over HTTP, as the big screen
// reads it (cached, with an ETag), every few seconds at a random phase so a hall's phones
// spread their asks; no push to every phone on every join.
const LOBBY_POLL_MS = 4000;
const lobbyCount = {
  timer: null,
  start(round) {
    if (this.timer !== null) return;
    const poll = async () => {
      if (page.stage !== "lobby") return this.stop();
      const response = await fetch(`/api/v1/rounds/${round}/leaderboard?limit=1`).catch(() => null);
      const board = response?.ok ? await response.json() : null;
      if (page.stage === "lobby" && typeof board?.count === "number") showCount(board.count);
      this.timer = setTimeout(poll, LOBBY_POLL_MS);
    };
    this.timer = setTimeout(poll, Math.random() * LOBBY_POLL_MS);
  },
  stop() {
    clearTimeout(this.timer);
    this.timer = null;
  },
};

function showCount(contestants) {
  const count = find("count");
  count.dataset.count = String(contestants);
  count.textContent = t("contestants", { count: count.dataset.count });
}

/** The join link as a QR code, for the people next to this phone. */
function showShareCode() {
  const image = find("qr");
  const code = encodeURIComponent(page.code);
  image.src = `/play/${code}/qr.svg`;
  image.alt = `${location.origin}/play/${code}`;
  image.hidden = !page.code;
}

/** Draw a question once per opening; later calls (a resync) keep what the contestant did. */
function renderQuestion(question, status, answered = false) {
  if (!question) return;
  const fresh = page.renderedKey !== `${question.index}:${question.key}`;
  page.status = status;
  page.question = question;
  if (fresh) {
    page.renderedKey = `${question.index}:${question.key}`;
    page.answered = false;
    page.mine = null;
    // An answer kept for the question before: the server judges it now (too late, surely).
    if (page.queued && !showing(page.queued.question)) sendQueued();
    drawQuestion(question);
  }
  if (answered) page.answered = true;
  find("progress").textContent = t("question_of", { n: question.index + 1, total: question.total });
  if (status === "question_open") {
    countdown.start(question.closes_at);
    const clip = fresh && find("media").querySelector("audio");
    if (clip) playLiveClip(clip);
    if (page.answered) markAnswered();
    else if (page.queued) markQueued();
    else setAnswerable(true);
  } else if (status === "paused") {
    countdown.stop();
    find("seconds").textContent = t("paused");
    setAnswerable(false);
  } else {
    closeQuestion();
  }
  show("question");
}

function drawQuestion(question) {
  find("prompt").textContent = pick(question.prompt);
  find("announce").textContent = "";
  find("answer-status").textContent = "";
  find("answer-status").classList.remove("pending");
  drawMedia(question.media);
  const answers = find("answers");
  answers.replaceChildren();
  const hint = { multiple: "multiple_hint", order: "order_hint" }[question.type];
  find("hint").textContent = hint ? t(hint) : "";
  const build = {
    single: choiceButtons,
    multiple: choiceButtons,
    true_false: trueFalseButtons,
    text: textAnswer,
    order: orderList,
  }[question.type];
  answers.append(build(question));
}

function drawMedia(media) {
  const holder = find("media");
  holder.querySelector("audio")?.pause(); // the question before's clip stops with it
  holder.replaceChildren();
  if (!media) return;
  if (media.kind === "image") {
    holder.append(questionImage(media));
    return;
  }
  const audio = clips.get(media.url) ?? preload(media.url);
  const button = document.createElement("button");
  button.type = "button";
  button.className = "play-clip";
  const label = () => {
    button.textContent = audio.paused ? `▶ ${t("play_clip")}` : `❚❚ ${t("pause_clip")}`;
  };
  button.addEventListener("click", () => {
    if (!audio.paused) audio.pause();
    else playLiveClip(audio).then((playing) => playing || audio.play());
  });
  audio.onplay = audio.onpause = audio.onended = label;
  label();
  const description = document.createElement("p");
  description.className = "hint";
  description.textContent = pick(media.alt);
  // In the page (no controls, so not drawn) for the question it belongs to.
  holder.append(button, description, audio);
}

/**
 * A live question's clip plays in step with the server's open time, as on the big
 * screen (a phone joining mid-question starts mid-clip). False when there is nothing to
 * join: a self-paced question, one not open, a clip already over, a refused autoplay
 * (the play button is there for a tap).
 */
async function playLiveClip(audio) {
  const question = page.question;
  if (page.paced || page.status !== "question_open" || !question) return false;
  return playInStep(audio, live.clock, question.opens_at).catch(() => false);
}

function preload(url) {
  const audio = new Audio();
  audio.preload = "auto";
  audio.src = url;
  clips.set(url, audio);
  return audio;
}

function choiceButton(text, position, pressed) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = `choice shape-${position % SHAPES.length}`;
  button.dataset.position = String(position);
  if (pressed !== undefined) button.setAttribute("aria-pressed", String(pressed));
  const shape = document.createElement("span");
  shape.className = "shape";
  shape.setAttribute("aria-hidden", "true");
  shape.textContent = SHAPES[position % SHAPES.length];
  const number = document.createElement("span");
  number.className = "key";
  number.textContent = `${position + 1}`;
  const label = document.createElement("span");
  label.className = "label";
  label.textContent = text;
  button.append(shape, number, label);
  return button;
}

function choiceButtons(question) {
  const multiple = question.type === "multiple";
  const list = document.createElement("div");
  list.className = "choices";
  list.setAttribute("role", "group");
  list.setAttribute("aria-labelledby", "question-prompt");
  question.choices.forEach((choice, position) => {
    const button = choiceButton(pick(choice.text), position, multiple ? false : undefined);
    button.dataset.key = choice.key;
    button.addEventListener("click", () => {
      if (!multiple) return submit(choice.key, button);
      button.setAttribute("aria-pressed", String(button.getAttribute("aria-pressed") !== "true"));
    });
    list.append(button);
  });
  if (!multiple) return list;
  const wrapper = document.createElement("div");
  wrapper.append(list, submitButton(() => {
    const picked = [...list.querySelectorAll('[aria-pressed="true"]')];
    return picked.length ? picked.map((button) => button.dataset.key) : undefined;
  }));
  return wrapper;
}

function trueFalseButtons() {
  const list = document.createElement("div");
  list.className = "choices two";
  list.setAttribute("role", "group");
  list.setAttribute("aria-labelledby", "question-prompt");
  [true, false].forEach((value, position) => {
    const button = choiceButton(t(String(value)), position);
    button.dataset.key = String(value);
    button.addEventListener("click", () => submit(value, button));
    list.append(button);
  });
  return list;
}

function textAnswer() {
  const answerForm = document.createElement("form");
  answerForm.className = "text-answer";
  const label = document.createElement("label");
  label.htmlFor = "text-answer";
  label.textContent = t("text_answer");
  const input = document.createElement("input");
  input.id = "text-answer";
  input.required = true;
  input.maxLength = 200;
  input.autocomplete = "off";
  const button = document.createElement("button");
  button.type = "submit";
  button.className = "primary wide";
  button.textContent = t("submit");
  answerForm.append(label, input, button);
  answerForm.addEventListener("submit", (event) => {
    event.preventDefault();
    if (input.value.trim()) submit(input.value.trim());
  });
  return answerForm;
}

function orderList(question) {
  const wrapper = document.createElement("div");
  const list = document.createElement("ol");
  list.className = "order";
  list.setAttribute("aria-labelledby", "question-prompt");
  const move = (item, step, focusClass) => {
    const target = step < 0 ? item.previousElementSibling : item.nextElementSibling?.nextElementSibling;
    if (step < 0 && !target) return;
    list.insertBefore(item, target ?? null);
    refresh();
    item.querySelector(focusClass)?.focus();
    find("announce").textContent = t("position", { n: [...list.children].indexOf(item) + 1 });
  };
  const refresh = () => {
    const items = [...list.children];
    items.forEach((item, position) => {
      item.querySelector(".position").textContent = String(position + 1);
      item.querySelector(".up").disabled = position === 0 || !answerable();
      item.querySelector(".down").disabled = position === items.length - 1 || !answerable();
    });
  };
  question.choices.forEach((choice, position) => {
    const item = document.createElement("li");
    item.dataset.key = choice.key;
    item.className = `order-item shape-${position % SHAPES.length}`;
    const place = document.createElement("span");
    place.className = "position";
    place.setAttribute("aria-hidden", "true"); // the list's own numbering is read out
    const text = document.createElement("span");
    text.className = "label";
    text.textContent = pick(choice.text);
    const up = document.createElement("button");
    up.type = "button";
    up.className = "up";
    up.textContent = "↑";
    up.setAttribute("aria-label", `${t("move_up")}: ${pick(choice.text)}`);
    up.addEventListener("click", () => move(item, -1, ".up"));
    const down = document.createElement("button");
    down.type = "button";
    down.className = "down";
    down.textContent = "↓";
    down.setAttribute("aria-label", `${t("move_down")}: ${pick(choice.text)}`);
    down.addEventListener("click", () => move(item, 1, ".down"));
    item.append(place, text, up, down);
    draggable(list, item, refresh);
    list.append(item);
  });
  refresh();
  list.refresh = refresh;
  wrapper.append(list, submitButton(() => [...list.children].map((item) => item.dataset.key)));
  return wrapper;
}

/** Drag an order item by mouse, pen or finger: it takes the place of the item it passes
 * the middle of. The arrow buttons stay, for keyboards and screen readers. The list holds
 * the pointer: moving the item in the document would release it from the item. */
function draggable(list, item, refresh) {
  item.addEventListener("pointerdown", (event) => {
    if (event.target.closest("button") || !answerable() || !event.isPrimary) return;
    event.preventDefault();
    list.setPointerCapture(event.pointerId);
    item.classList.add("dragging");
    const follow = (moved) => {
      if (moved.pointerId !== event.pointerId) return;
      const over = [...list.children].find((other) => {
        const box = other.getBoundingClientRect();
        return other !== item && moved.clientY >= box.top && moved.clientY <= box.bottom;
      });
      if (!over) return;
      const box = over.getBoundingClientRect();
      const below = moved.clientY > box.top + box.height / 2;
      list.insertBefore(item, below ? over.nextElementSibling : over);
      refresh();
    };
    const drop = (ended) => {
      if (ended.pointerId !== event.pointerId) return;
      item.classList.remove("dragging");
      list.removeEventListener("pointermove", follow);
      list.removeEventListener("pointerup", drop);
      list.removeEventListener("pointercancel", drop);
      find("announce").textContent = t("position", { n: [...list.children].indexOf(item) + 1 });
    };
    list.addEventListener("pointermove", follow);
    list.addEventListener("pointerup", drop);
    list.addEventListener("pointercancel", drop);
  });
}

function submitButton(response) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "primary wide submit";
  button.textContent = t("submit");
  button.addEventListener("click", () => {
    const value = response();
    if (value !== undefined) submit(value);
  });
  return button;
}

function answerable() {
  return page.status === "question_open" && !page.answered && !page.queued;
}

function setAnswerable(on) {
  for (const control of find("answers").querySelectorAll("button, input")) {
    control.disabled = !on;
  }
  find("answers").querySelector(".order")?.refresh();
}

async function submit(response, chosen) {
  const question = page.question;
  if (!question || !answerable()) return;
  setAnswerable(false);
  chosen?.classList.add("chosen");
  page.mine = { key: question.key, response };
  const answer = { question: question.key, response, seq: question.seq };
  // Offline, the tap waits for the line: sent on reconnect, the server judges it by its
  // own clock (and answers a repeat with the first result, so a resend is safe).
  if (!live.socket.connected) {
    queue(question, answer);
    return;
  }
  settle(question, answer, await live.call("answer", answer), chosen, false);
}

function queue(question, answer) {
  page.queued = { question, answer };
  markQueued();
}

function markQueued() {
  setAnswerable(false);
  const status = find("answer-status");
  status.textContent = t("answer_queued");
  status.classList.add("pending");
}

/** Send the answer tapped offline, once the contestant is joined again. */
async function sendQueued() {
  const queued = page.queued;
  if (!queued || !live.socket.connected) return;
  page.queued = null;
  settle(queued.question, queued.answer, await live.call("answer", queued.answer), null, true);
}

// Refusals meaning the question was over when the answer reached the server.
const TOO_LATE = new Set([
  "late", "question_closed", "already_revealed", "already_finished", "not_current",
  "question_passed", "window_closed",
]);

/** Whether `question` is still the one on screen (a rejoin redraws it as a new object). */
function showing(question) {
  const shown = page.question;
  return Boolean(shown) && shown.key === question.key && shown.index === question.index;
}

/** What the server said to an answer (`queued`: one tapped offline, sent on reconnect). */
function settle(question, answer, ack, chosen, queued) {
  const code = ack?.error?.code;
  if (code === "timeout" || code === "not_joined") {
    // The line died under the answer, or came back before the rejoin: keep it for then.
    page.queued ??= { question, answer };
    if (showing(question)) markQueued();
    return;
  }
  const current = showing(question) && page.stage === "question";
  if (ack && ack.ok) {
    if (!showing(question)) return;
    page.answered = true;
    if (page.paced) pacedResult(question, ack);
    else if (current) markAnswered();
    return;
  }
  if (page.paced && code === "late") {
    if (showing(question)) pacedResult(question, null);
    if (queued) notice(t("queued_too_late"));
    return;
  }
  if (code === "kicked" || code === "banned") {
    refused(ack.error, false);
    return;
  }
  const text = queued && TOO_LATE.has(code) ? t("queued_too_late") : errorText(ack?.error, "answer");
  find("answer-status").classList.remove("pending");
  if (!current) {
    notice(text);
    return;
  }
  chosen?.classList.remove("chosen");
  page.mine = null;
  find("answer-status").textContent = text;
  if (page.status === "question_open" && !TOO_LATE.has(code) && code !== "eliminated") {
    setAnswerable(true);
  }
}

function markAnswered() {
  setAnswerable(false);
  find("answer-status").classList.remove("pending");
  const status = page.status === "question_open" ? "answer_received" : "waiting_reveal";
  find("answer-status").textContent =
    status === "answer_received" ? t("answer_received") : `${t("answer_received")} · ${t("waiting_reveal")}`;
}

function closeQuestion() {
  page.status = page.status === "revealed" ? page.status : "closed";
  countdown.stop();
  find("seconds").textContent = "0";
  find("timer-fill").style.transform = "scaleX(0)";
  setAnswerable(false);
  if (page.answered) markAnswered();
  else if (page.queued) markQueued(); // still to be sent: the server says if it was in time
  else find("answer-status").textContent = `${t("time_up")} · ${t("no_answer")}`;
}

function answerText(question, answer) {
  if (!question) return answer.join(", ");
  if (question.type === "true_false") return t(String(answer[0]));
  if (question.type === "text") return answer.join(" / ");
  const texts = Object.fromEntries(question.choices.map((c) => [c.key, pick(c.text)]));
  return answer.map((key) => texts[key] ?? key).join(question.type === "order" ? " → " : ", ");
}

function renderReveal(reveal, you) {
  page.status = "revealed";
  page.reveal = reveal;
  countdown.stop();
  const question = page.question && page.question.key === reveal.key ? page.question : null;
  if (you) page.you = you;
  const result = you && you.result;
  // Only "received" until the reveal rule allows more (a self-paced round that reveals
  // after its window closes): no verdict, no points.
  const judged = result && typeof result.correct === "boolean";
  const verdict = find("verdict");
  verdict.classList.remove("right", "wrong");
  if (!you) {
    verdict.textContent = t("waiting_reveal");
  } else if (!result) {
    verdict.textContent = t("no_answer");
    verdict.classList.add("wrong");
  } else if (!judged) {
    verdict.textContent = `${t("answer_received")} · ${t("results_after_close")}`;
  } else {
    verdict.textContent = result.correct ? `✓ ${t("correct")}` : `✗ ${t("wrong")}`;
    verdict.classList.add(result.correct ? "right" : "wrong");
  }
  find("gained").textContent = judged ? t("points_gained", { points: result.points }) : "";
  find("total").textContent = you && you.points != null ? String(you.points) : "–";
  find("streak").textContent = you ? String(you.streak) : "–";
  find("rank").textContent = you && you.rank ? `${you.rank} / ${you.of}` : "–";
  const mine = page.mine && page.mine.key === reveal.key ? page.mine.response : undefined;
  find("your-answer").textContent =
    mine === undefined ? "" : t("your_answer", { answer: answerText(question, [].concat(mine)) });
  find("answer-was").textContent = reveal.answer
    ? t("answer_was", { answer: answerText(question, reveal.answer) })
    : "";
  find("explanation").textContent = reveal.explanation ? pick(reveal.explanation) : "";
  // A self-paced contestant moves on when ready; total and rank wait for the end.
  find("next-soon").hidden = page.paced;
  for (const fact of root.querySelectorAll("[data-live-fact]")) fact.hidden = page.paced;
  const next = find("paced-next");
  next.hidden = !page.paced;
  const last = question && question.index + 1 >= question.total;
  next.textContent = t(last ? "see_score" : "next_question");
  show("result");
}

function renderFinished(you) {
  page.status = "finished";
  countdown.stop();
  if (you) page.you = you;
  const mine = page.you;
  // A finished paper is not a finished round: the rank is the current one.
  const heading = root.querySelector("#finished-heading");
  heading.dataset.i18n = page.paced ? "paper_done" : "finished_title";
  heading.textContent = t(heading.dataset.i18n);
  const rankText = page.paced ? "current_rank" : "final_rank";
  find("final-rank").textContent =
    mine && mine.rank ? t(rankText, { rank: mine.rank, of: mine.of }) : "";
  find("final-points").textContent = mine ? t("final_points", { points: mine.points }) : "";
  const top = find("top");
  top.replaceChildren();
  for (const entry of page.top ?? []) {
    const item = document.createElement("li");
    if (page.session && entry.contestant === page.session.contestant) item.className = "me";
    const name = document.createElement("span");
    name.textContent = entry.nickname ?? entry.contestant;
    const points = document.createElement("span");
    points.className = "points";
    points.textContent = `${entry.points} ${t("points")}`;
    item.value = entry.rank;
    item.append(name, points);
    top.append(item);
  }
  find("top-heading").hidden = !page.top;
  find("paced-note").hidden = !page.paced;
  show("finished");
  showMyCertificates();
  showCampaignReview();
}

/** A campaign's round links the campaign's wrong answers, on its registration page
 * (where this phone keeps the registration token the review is read with). */
async function showCampaignReview() {
  const info = page.info ?? (await loadInfo(page.code));
  const holder = find("campaign-review");
  holder.hidden = !info?.campaign;
  if (info?.campaign) holder.querySelector("a").href = `/campaigns/${info.campaign}/register#review`;
}

/** Certificates issued to me (the organiser issues them after the round: reload later). */
function showMyCertificates() {
  if (!page.session) return;
  showCertificates(find("certificates"), find("certificates-heading"), "/api/v1/certificates/mine", page.session.token);
}

// --- review -------------------------------------------------------------------------------
// After the round (or, self-paced, as the round's reveal rule allows) the contestant reads
// each question again with their answer, the key and the explanation. The server decides
// when it opens (409 review_not_yet before); the page only asks.

async function loadReview() {
  const status = find("review-status");
  const list = find("review-list");
  const info = page.info ?? (await loadInfo(page.code));
  if (!info || !page.session) return;
  status.textContent = "";
  const query = new URLSearchParams({ lang: locale() });
  if (find("review-wrong").checked) query.set("wrong_only", "1");
  const response = await fetch(`/api/v1/rounds/${info.round}/review?${query}`, {
    headers: { Authorization: `Bearer ${page.session.token}` },
  });
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    list.replaceChildren();
    const error = body?.error;
    const opensAt = error?.fields?.opens_at;
    if (error?.code !== "review_not_yet") status.textContent = t("review_failed");
    else if (typeof opensAt === "number") {
      status.textContent = t("review_opens_at", { time: new Date(opensAt).toLocaleString(locale()) });
    } else status.textContent = t("review_not_yet");
    return;
  }
  status.textContent = body.questions.length
    ? t("review_count", { count: body.questions.length })
    : t("review_empty");
  list.replaceChildren(...body.questions.map(reviewItem));
}

find("review-open").addEventListener("click", () => {
  const open = find("review").hidden;
  find("review").hidden = !open;
  find("review-open").setAttribute("aria-expanded", String(open));
  if (open) {
    loadReview();
    root.querySelector("#review-heading").focus();
  }
});
find("review-wrong").addEventListener("change", loadReview);

// --- self-paced rounds --------------------------------------------------------------------

/** The paper's current question (the same one again after a reload), or the end. */
async function pacedNext() {
  clearTimeout(page.pacedTimer);
  const sentAt = Date.now();
  const ack = await live.call("next");
  if (!ack || !ack.ok) {
    refused(ack?.error ?? { code: "timeout" }, false);
    return;
  }
  live.clock.fromAck(ack.server_time, sentAt, Date.now());
  if (ack.done) {
    pacedFinished();
    return;
  }
  renderQuestion({ ...ack.question, opens_at: ack.server_time, closes_at: ack.deadline }, "question_open");
  if (typeof ack.deadline === "number") {
    const question = page.question;
    const wait = ack.deadline + PACED_TIME_UP_MS - live.clock.now();
    page.pacedTimer = setTimeout(() => {
      if (page.question === question && !page.answered && page.stage === "question") {
        pacedResult(question, null);
      }
    }, Math.max(0, wait));
  }
}

/** The answer's result as its ack tells it (or none, when the time ran out). */
function pacedResult(question, ack) {
  clearTimeout(page.pacedTimer);
  page.question = question;
  const result = ack ? ack.result : null;
  const reveal = { key: question.key, answer: ack?.answer, explanation: ack?.explanation };
  renderReveal(reveal, { result, streak: result?.streak ?? 0, points: null });
}

/** The paper is done: my standing from the board (others may still be answering). */
async function pacedFinished() {
  page.top = null;
  renderFinished(null);
  const info = page.info ?? (await loadInfo(page.code));
  if (!info || !page.session) return;
  const response = await fetch(`/api/v1/rounds/${info.round}/leaderboard/me`, {
    headers: { Authorization: `Bearer ${page.session.token}` },
  });
  if (!response.ok) return;
  const mine = (await response.json()).scopes.all;
  renderFinished({ rank: mine.rank, of: mine.count, points: mine.points });
}

// --- leaving the page during a question -------------------------------------------------
// Each time the page is hidden or loses focus while a question waits for an answer, the
// server hears of it (`focus_lost`): it counts the switches, flags a contestant above the
// round's tolerance for review and may hand a self-paced paper in. Reports made offline
// wait in storage (a reload does not drop them) and go out on rejoining. A deterrent for
// honest phones, not a guarantee: a modified page can stay silent. Copying the question
// is discouraged the same way.

const FOCUS_REPORTS = "leitai.play.focus";
let away = false;

function focusReports() {
  try {
    return JSON.parse(localStorage.getItem(FOCUS_REPORTS)) ?? [];
  } catch {
    return [];
  }
}

function keepFocusReports(reports) {
  try {
    localStorage.setItem(FOCUS_REPORTS, JSON.stringify(reports));
  } catch {
    // Without storage, unsent reports live only as long as the page.
  }
}

function leftPage() {
  if (away || page.stage !== "question" || !answerable()) return;
  away = true;
  keepFocusReports([...focusReports(), { question: page.question.key, at: Date.now() }]);
  sendFocusReports();
}

let sending = false;

async function sendFocusReports() {
  if (sending) return; // one sender at a time, so each report goes once
  sending = true;
  try {
    await sendEachFocusReport();
  } finally {
    sending = false;
  }
}

async function sendEachFocusReport() {
  for (let reports = focusReports(); reports.length > 0; reports = focusReports()) {
    const ack = await live.call("focus_lost", reports[0]);
    // Offline, or back online before the rejoin: sent again once rejoined.
    if (["timeout", "not_joined"].includes(ack?.error?.code)) return;
    keepFocusReports(focusReports().slice(1));
    if (!ack?.ok) continue; // e.g. the round has finished: nothing left to count
    if (ack.submitted && page.paced) {
      clearTimeout(page.pacedTimer);
      pacedFinished();
      notice(t("submitted_by_switches"));
    } else if (ack.counted) {
      notice(t("focus_left", { n: ack.switches }));
    }
  }
}

document.addEventListener("visibilitychange", () => {
  if (document.hidden) leftPage();
  else away = false;
});
window.addEventListener("pagehide", leftPage);
window.addEventListener("blur", leftPage);
window.addEventListener("focus", () => {
  away = false;
});
find("question-area").addEventListener("copy", (event) => event.preventDefault());

// --- joining ----------------------------------------------------------------------------

async function loadInfo(code) {
  if (!code) return;
  const response = await fetch(`/play/${encodeURIComponent(code)}/info`);
  if (!response.ok) {
    showFieldErrors({ code: "not_found", fields: { code: ["not_found"] } });
    return;
  }
  page.info = await response.json();
  page.registration = keptRegistration(page.info.campaign);
  if (page.registration) {
    form.elements.nickname.value ||= page.registration.nickname;
    // Once per page: a refusal (not a qualifier) stays on screen, not joined again.
    if (!page.registrationSent && !page.pending && !resumeJoin()) {
      page.registrationSent = true;
      joinRegistered();
    }
  }
  find("title").textContent = page.info.title;
  fillSelect(form.elements.region, page.info.regions.map((r) => [r.code, pick(r.name)]));
  fillSelect(form.elements.team, page.info.teams.map((team) => [team, team]));
  find("team-field").hidden = page.info.teams.length === 0;
  for (const url of page.info.audio) if (!clips.has(url)) preload(url);
  return page.info;
}

function fillSelect(select, options) {
  const chosen = select.value;
  select.replaceChildren(select.options[0]);
  for (const [value, label] of options) select.add(new Option(label, value));
  select.value = chosen;
}

function showFieldErrors(error) {
  const fields = error.fields ?? {};
  for (const holder of form.querySelectorAll("[data-error-for]")) {
    const name = holder.dataset.errorFor;
    const message = fields[name] ? fieldText(error, name, fields[name]) : "";
    holder.textContent = message;
    form.elements[name].setAttribute("aria-invalid", String(Boolean(message)));
  }
  const known = Object.keys(fields).some((name) => form.elements[name]);
  notice(known || !error.code ? "" : errorText(error, "join"));
  const first = form.querySelector('[aria-invalid="true"]');
  first?.focus();
}

/**
 * The registration the campaign's page kept on this phone (campaign-register.js), if
 * the round is a campaign's: a live round of a stage admits registrations (a final only
 * its qualifiers), so the join carries it and the resident types nothing again.
 */
function keptRegistration(campaign) {
  if (!campaign) return null;
  try {
    return JSON.parse(localStorage.getItem(`leitai.campaign.${campaign}.registration`));
  } catch {
    return null;
  }
}

/** Join the round opened by its link with the registration kept here. */
function joinRegistered() {
  sendJoin({ code: page.code, nickname: page.registration.nickname });
}

function sendJoin(join) {
  showFieldErrors({ fields: {} });
  const registration = page.registration && page.info?.code === join.code ? page.registration : null;
  // A self-paced round whose rules allow it doubles an elderly-mode entry's time.
  const elder = document.documentElement.classList.contains("elder");
  page.pending = { ...join, elder, ...(registration ? { registration: registration.token } : {}) };
  if (page.code !== join.code) page.code = join.code;
  notice(t(registration ? "joining_registered" : "joining", { nickname: join.nickname }));
  // After a kick the server closed the connection: connecting again sends the join.
  // While a connection is on its way, its hello sends it: asking to connect again then
  // would send a second namespace connect, which the server refuses.
  if (live.socket.connected) live.resync();
  else if (!live.socket.active) live.socket.connect();
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const data = new FormData(form);
  sendJoin({
    code: String(data.get("code")).trim().toUpperCase(),
    nickname: String(data.get("nickname")).trim(),
    region: data.get("region") || null,
    team: data.get("team") || null,
  });
});

find("join-button").disabled = false;

form.elements.code.addEventListener("change", () => {
  const code = form.elements.code.value.trim().toUpperCase();
  if (code.length >= 4) loadInfo(code);
});

find("paced-next").addEventListener("click", () => {
  if (page.stage === "result") pacedNext();
});

// "Join as someone else": the server takes the entry out of the lobby (no ghost on the
// board or the count; the nickname is free again), or keeps it for the record once the
// round has started. The page forgets the session either way, even offline.
find("leave").addEventListener("click", () => {
  if (page.session && live.socket.connected) live.call("leave", {});
  lobbyCount.stop();
  saveSession(null);
  form.elements.nickname.value = "";
  show("join");
});

// Keys 1-9 pick the choice with that number while a question is open.
document.addEventListener("keydown", (event) => {
  if (page.stage !== "question" || event.ctrlKey || event.metaKey || event.altKey) return;
  if (event.target instanceof HTMLInputElement) return;
  const position = Number(event.key) - 1;
  if (!Number.isInteger(position) || position < 0) return;
  const button = find("answers").querySelector(`.choice[data-position="${position}"]`);
  if (button && !button.disabled) {
    event.preventDefault();
    button.focus();
    button.click();
  }
});

// --- start --------------------------------------------------------------------------------

bindLocaleSelect(() => {
  // Text drawn by script follows the new locale; answers in progress are kept.
  if (page.info) loadInfo(page.code);
  if (page.question && page.stage === "question") {
    find("prompt").textContent = pick(page.question.prompt);
    for (const button of find("answers").querySelectorAll(".choice")) {
      const choice = page.question.choices.find((c) => c.key === button.dataset.key);
      const label = button.querySelector(".label");
      label.textContent = choice ? pick(choice.text) : t(button.dataset.key);
    }
  }
  if (page.stage === "lobby") renderLobby({ contestants: Number(find("count").dataset.count) || 0 });
  if (page.stage === "result" && page.reveal) renderReveal(page.reveal, page.you);
  if (page.stage === "finished") renderFinished(null);
  if (page.stage === "finished" && !find("review").hidden) loadReview();
  apply();
});

setElder(readElder());
elderSwitch.addEventListener("click", () => {
  setElder(elderSwitch.getAttribute("aria-pressed") !== "true");
});

page.session = loadSession();
if (!page.code && page.session) page.code = page.session.code;
if (page.code) {
  form.elements.code.value = page.code;
  loadInfo(page.code);
  if (resumeJoin()) notice(t("joining"));
}
if (!resumeJoin()) show("join");
