// The spectators' big screen, laid out by phase (`data-phase` on the root): the lobby's
// wall of names and large QR; the question with its items, media, countdown ring and
// live "N / M answered"; the reveal with the right answer marked, the others dimmed, a
// bar per option and the explanation; the podium and final board at the end.
//
// Nothing here can show an answer early: the question event carries none, the right
// option is marked only from a `reveal`, and the board moves only when a question
// closes; while it is open the screen shows how many have answered (`answers`).
//
// A projector has no one at a keyboard: the language comes from the URL (?lang=en),
// and the one control is the sound, which browsers keep off until someone clicks.

import { apply, pick, setLocale, t } from "./i18n.js";
import { Countdown, liveSocket, playInStep } from "./live-socket.js";
import { questionImage } from "./question-media.js";

const SHAPES = ["▲", "◆", "●", "■"];
const EVENTS = ["state", "question", "closed", "reveal", "leaderboard", "finished", "answers"];
const MOVE_MS = 700;
const LOBBY_POLL_MS = 2000;
const LOBBY_NAMES = 48; // what the wall holds at 16:9; the rest are counted
const TICK_FROM_S = 5; // the countdown ticks aloud, and turns red, from here

const root = document.querySelector("[data-watch]");
const find = (name) => root.querySelector(`[data-${name}]`);
const regionNames = JSON.parse(root.dataset.regions || "{}");
const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)");

const screen = {
  status: null,
  round: null,
  question: null,
  reveal: null,
  top: [],
  frozen: false,
  answered: null, // {count, of, index}
  contestants: 0,
};

localeFromUrl();

// --- sound: a clip per audio question, and light cues made on the spot (no files) ---

const sound = {
  on: false,
  context: null,
  clip: null, // the current question's Audio
};

function cue(kind) {
  if (!sound.on || !sound.context) return;
  const notes = {
    open: [[660, 0, 0.12], [880, 0.12, 0.18]],
    tick: [[1200, 0, 0.05]],
    closed: [[440, 0, 0.25], [330, 0.2, 0.35]],
    reveal: [[523, 0, 0.15], [659, 0.12, 0.15], [784, 0.24, 0.3]],
    podium: [[523, 0, 0.2], [659, 0.2, 0.2], [784, 0.4, 0.2], [1047, 0.6, 0.6]],
  }[kind];
  const start = sound.context.currentTime;
  for (const [frequency, at, length] of notes) {
    const tone = sound.context.createOscillator();
    const gain = sound.context.createGain();
    tone.type = "triangle";
    tone.frequency.value = frequency;
    gain.gain.setValueAtTime(0.15, start + at);
    gain.gain.exponentialRampToValueAtTime(0.001, start + at + length);
    tone.connect(gain).connect(sound.context.destination);
    tone.start(start + at);
    tone.stop(start + at + length);
  }
}

function setSound(on) {
  sound.on = on;
  if (on && !sound.context) sound.context = new AudioContext();
  const button = find("sound");
  button.setAttribute("aria-pressed", String(on));
  if (on) playClip();
  else if (sound.clip) sound.clip.pause();
  drawAudioCue();
}

find("sound").addEventListener("click", () => setSound(!sound.on));

// --- the live connection -------------------------------------------------------------

const live = liveSocket("/watch", {
  events: EVENTS,
  hello: (call) => call("watch", { code: root.dataset.watchCode }),
  onSynced: (ack, fresh) => {
    if (!ack.ok) return;
    if (ack.leaderboard) renderBoard(ack.leaderboard.top, ack.leaderboard.frozen);
    if (fresh) renderState(ack.state, true);
  },
  on: (name, data) => {
    if (name === "question") {
      renderQuestion(data, "question_open");
      renderAnswered({ count: 0, of: screen.contestants, index: data.index }); // a new one
    }
    else if (name === "closed") renderClosed(data.skipped);
    else if (name === "reveal") renderReveal(data);
    else if (name === "leaderboard") renderBoard(data.top, data.frozen);
    else if (name === "finished") finish(data);
    else if (name === "state") renderState(data, false);
    else if (name === "answers") renderAnswered(data);
  },
});

let ticked = null; // the last second ticked aloud (draw runs four times a second)
const countdown = new Countdown(live.clock, {
  draw: (seconds) => {
    drawRing(seconds);
    if (seconds > 0 && seconds <= TICK_FROM_S && seconds !== ticked) cue("tick");
    ticked = seconds;
  },
  announce: (mark) => {
    find("announce").textContent = mark === 0 ? t("time_up") : t("seconds_left", { s: mark });
  },
});

function setPhase(phase) {
  root.dataset.phase = phase;
  if (phase === "lobby") lobby.start();
  else lobby.stop();
}

function renderState(state, force) {
  screen.round = state.round;
  if (typeof state.contestants === "number") {
    screen.contestants = state.contestants;
    drawAnswered();
  }
  const sameQuestion = screen.question && state.index === screen.question.index;
  if (!force && state.status === screen.status && sameQuestion) return;
  switch (state.status) {
    case "lobby":
      screen.status = "lobby";
      setStatus(t("waiting_start"), "waiting_start");
      setPhase("lobby");
      drawLobbyCount(state.contestants);
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
  status.classList.remove("answer-line");
  if (key) status.dataset.i18n = key;
  else delete status.dataset.i18n;
}

// --- the lobby: a wall of names, polled over HTTP (the cached public board, ETag) ----

const lobby = {
  timer: null,
  names: [], // arrival order, oldest first
  seen: new Set(),
  start() {
    if (this.timer === null) {
      this.timer = setInterval(() => this.poll(), LOBBY_POLL_MS);
      this.poll();
    }
  },
  stop() {
    clearInterval(this.timer);
    this.timer = null;
  },
  async poll() {
    if (screen.round === null) return;
    const response = await fetch(`/api/v1/rounds/${screen.round}/leaderboard?limit=100`).catch(
      () => null,
    );
    if (!response || !response.ok || this.timer === null) return;
    const board = await response.json();
    if (board.top.length >= board.count) {
      // The whole board is in hand: whoever left the lobby comes off the wall.
      const here = new Set(board.top.map((entry) => entry.contestant));
      this.names = this.names.filter((entry) => here.has(entry.contestant));
    }
    const fresh = [];
    for (const entry of board.top) {
      if (this.seen.has(entry.contestant)) continue;
      this.seen.add(entry.contestant);
      fresh.push(entry);
    }
    this.names.push(...fresh);
    drawLobby(board.count, new Set(fresh.map((entry) => entry.contestant)));
  },
};

function drawLobbyCount(count) {
  find("lobby-count").textContent = t("lobby_joined", { count: count ?? 0 });
}

function drawLobby(count, fresh) {
  drawLobbyCount(count);
  const shown = lobby.names.slice(-LOBBY_NAMES).reverse(); // the newest first
  const wall = find("lobby-names");
  const chips = shown.map((entry) => {
    const chip = document.createElement("li");
    chip.textContent = entry.nickname ?? entry.contestant;
    if (fresh.has(entry.contestant) && !reducedMotion.matches) chip.className = "arrived";
    return chip;
  });
  if (count > shown.length) {
    const more = document.createElement("li");
    more.className = "more";
    more.textContent = t("lobby_more", { count: count - shown.length });
    chips.push(more);
  }
  wall.replaceChildren(...chips);
}

// --- a question --------------------------------------------------------------------

function renderQuestion(question, status) {
  if (!question) return;
  const fresh =
    !screen.question || screen.question.key !== question.key || screen.question.index !== question.index;
  screen.status = status;
  screen.question = question;
  setPhase(status === "closed" ? "closed" : "question");
  if (fresh) {
    screen.reveal = null;
    screen.answered = null;
    drawQuestion();
    if (status === "question_open") cue("open");
  }
  if (status === "question_open") {
    setStatus(phoneHint(question));
    countdown.start(question.closes_at);
    playClip();
  } else if (status === "paused") {
    countdown.stop();
    if (sound.clip) sound.clip.pause();
    setStatus(t("paused"), "paused");
  } else {
    renderClosed();
  }
}

function phoneHint(question) {
  return { text: t("text_on_phone"), order: t("order_on_phone") }[question.type] ?? "";
}

function drawQuestion() {
  const question = screen.question;
  if (!question) return;
  find("progress").textContent = t("question_of", { n: question.index + 1, total: question.total });
  find("prompt").textContent = pick(question.prompt);
  find("explanation").hidden = true;
  drawAnswered();
  drawMedia(question.media);
  // Order items are listed as the paper has them (phones may shuffle theirs); text
  // questions have nothing to list until the reveal.
  const items = question.type === "order" ? question.choices.map((c) => pick(c.text)) : [];
  find("items").replaceChildren(...items.map((text) => itemRow(text)));
  find("options").replaceChildren(...optionsOf(question).map(optionRow));
  if (screen.reveal) drawReveal();
}

function itemRow(text, position = null) {
  const item = document.createElement("li");
  if (position !== null) {
    const number = document.createElement("span");
    number.className = "position";
    number.textContent = String(position);
    item.append(number);
  }
  item.append(text);
  return item;
}

function optionRow([key, label, position]) {
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
  const share = document.createElement("span");
  share.className = "share";
  const bar = document.createElement("span");
  bar.className = "bar";
  bar.setAttribute("aria-hidden", "true");
  item.append(bar, shape, text, share, count);
  return item;
}

/** The options as the audience sees them: [histogram key, label, shape position | null].
 * Text and order answers are tallied right or wrong, shown only once revealed. */
function optionsOf(question) {
  if (question.type === "single" || question.type === "multiple") {
    return question.choices.map((choice, position) => [choice.key, pick(choice.text), position]);
  }
  if (question.type === "true_false") {
    return [
      ["true", t("true"), 0],
      ["false", t("false"), 1],
    ];
  }
  if (!screen.reveal) return [];
  return [
    ["correct", t("right_answer"), null],
    ["wrong", t("wrong_answer"), null],
  ];
}

function drawMedia(media) {
  if (sound.clip) sound.clip.pause();
  sound.clip = null;
  const holder = find("media");
  holder.replaceChildren();
  holder.dataset.kind = media ? media.kind : "";
  if (!media) return;
  if (media.kind === "image") {
    holder.append(questionImage(media));
    return;
  }
  sound.clip = new Audio(media.url);
  sound.clip.preload = "auto";
  sound.clip.onplay = sound.clip.onpause = sound.clip.onended = drawAudioCue;
  const cueLine = document.createElement("p");
  cueLine.className = "audio-cue";
  cueLine.dataset.audioCue = "";
  const description = document.createElement("p");
  description.className = "audio-alt";
  description.textContent = pick(media.alt);
  holder.append(cueLine, description);
  drawAudioCue();
}

/** Play the clip from where the server's clock says it is: a screen that (re)connects
 * mid-question joins in time with the phones, and one past the clip's end stays quiet. */
function playClip() {
  const clip = sound.clip;
  const question = screen.question;
  if (!clip || !sound.on || !question || screen.status !== "question_open") return;
  playInStep(clip, live.clock, question.opens_at).catch(() => drawAudioCue());
}

function drawAudioCue() {
  const line = root.querySelector("[data-audio-cue]");
  if (!line) return;
  const playing = sound.clip && !sound.clip.paused && !sound.clip.ended;
  line.classList.toggle("playing", Boolean(playing));
  line.textContent = `♪ ${t(playing || sound.on ? "audio_playing" : "audio_muted")}`;
}

// --- answered so far, the countdown ring ---------------------------------------------

/** The live "N / M answered" of the open question (`answers` every half second). */
function renderAnswered(answered) {
  if (!screen.question || answered.index !== screen.question.index) return;
  screen.answered = answered;
  drawAnswered();
}

function drawAnswered() {
  const answered = screen.answered;
  const text = find("answers-count");
  const fill = find("answered-fill");
  const count = screen.reveal ? screen.reveal.stats.answers ?? 0 : answered?.count;
  if (count === undefined || screen.status === "lobby") {
    text.textContent = "";
    fill.style.width = "0";
    return;
  }
  const of = Math.max(answered?.of ?? 0, screen.contestants, count);
  text.textContent = of ? t("answered_of", { count, of }) : t("answers_count", { count });
  fill.style.width = `${of ? (100 * count) / of : 0}%`;
}

function drawRing(seconds) {
  const question = screen.question;
  find("seconds").textContent = String(seconds);
  const ring = find("ring");
  let share = 0;
  if (question && typeof question.closes_at === "number") {
    const length = Math.max(1, question.closes_at - question.opens_at);
    share = Math.min(1, Math.max(0, (question.closes_at - live.clock.now()) / length));
  }
  find("ring-fill").style.strokeDashoffset = String(100 - 100 * share);
  ring.classList.toggle("urgent", seconds > 0 && seconds <= TICK_FROM_S);
}

function renderClosed(skipped = false) {
  const wasOpen = countdown.timer !== null;
  countdown.stop();
  if (sound.clip) sound.clip.pause();
  drawRing(0);
  if (screen.reveal) return;
  if (screen.status === "question_open" || screen.status === "paused") screen.status = "closed";
  setPhase("closed");
  if (skipped) setStatus(t("skipped"), "skipped");
  else setStatus(t("time_up"), "time_up");
  if (wasOpen) cue("closed");
}

// --- the reveal ----------------------------------------------------------------------

function renderReveal(reveal) {
  if (!screen.question || screen.question.key !== reveal.key) return;
  const fresh = !screen.reveal;
  screen.status = "revealed";
  screen.reveal = reveal;
  countdown.stop();
  if (sound.clip) sound.clip.pause();
  setPhase("revealed");
  drawQuestion(); // text and order questions gain their tally rows, order its right order
  if (fresh) cue("reveal");
}

function drawReveal() {
  const { answer, stats, explanation } = screen.reveal;
  const question = screen.question;
  const right = new Set(
    question.type === "text" || question.type === "order" ? ["correct"] : answer.map(String),
  );
  const counts = stats.options ?? {};
  const answers = Math.max(1, stats.answers ?? 0);
  const most = Math.max(1, ...Object.values(counts));
  find("options").getBoundingClientRect(); // lay the empty bars out first, so they grow
  for (const item of find("options").children) {
    const count = counts[item.dataset.key] ?? 0;
    const isRight = right.has(item.dataset.key);
    item.classList.toggle("right", isRight);
    item.classList.toggle("dim", !isRight);
    item.querySelector(".count").textContent = String(count);
    item.querySelector(".share").textContent = `${Math.round((100 * count) / answers)}%`;
    item.querySelector(".bar").style.width = `${(100 * count) / most}%`;
  }
  if (question.type === "order") {
    const texts = Object.fromEntries(question.choices.map((c) => [c.key, pick(c.text)]));
    const rows = answer.map((key, position) => itemRow(texts[key] ?? key, position + 1));
    find("items").replaceChildren(...rows);
    find("items").classList.add("right");
  } else {
    find("items").classList.remove("right");
  }
  drawAnswered();
  const line = answerLine(question, answer);
  setStatus(line);
  find("status").classList.toggle("answer-line", Boolean(line));
  const text = pick(explanation);
  find("explanation-text").textContent = text;
  find("explanation").hidden = !text;
}

function answerLine(question, answer) {
  if (question.type === "text") {
    const [first, ...others] = answer;
    const line = t("answer_was", { answer: first });
    return others.length ? `${line}　${t("also_accepted", { answers: others.join(" / ") })}` : line;
  }
  return "";
}

// --- the end: podium and final board ------------------------------------------------

function finish(finished) {
  const fresh = screen.status !== "finished";
  screen.status = "finished";
  countdown.stop();
  if (sound.clip) sound.clip.pause();
  setStatus(t("finished_title"), "finished_title");
  if (finished && finished.top) renderBoard(finished.top, false);
  setPhase("finished");
  drawPodium();
  if (fresh) cue("podium");
}

/** The top three on steps, second - first - third from the left, rising in turn. */
function drawPodium() {
  const steps = screen.top.slice(0, 3).map((entry, place) => {
    const step = document.createElement("li");
    step.className = `step place-${place + 1}`;
    step.dataset.contestant = entry.contestant;
    const medal = document.createElement("span");
    medal.className = "medal";
    medal.textContent = String(entry.rank);
    const name = document.createElement("span");
    name.className = "name";
    name.textContent = entry.nickname ?? entry.contestant;
    const region = document.createElement("span");
    region.className = "region";
    region.textContent = entry.region ? regionName(entry.region) : "";
    const points = document.createElement("span");
    points.className = "points";
    points.textContent = `${entry.points} ${t("points")}`;
    const block = document.createElement("span");
    block.className = "block";
    block.setAttribute("aria-hidden", "true");
    step.append(medal, name, region, points, block);
    return step;
  });
  find("podium").replaceChildren(...steps);
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
  if (screen.status === "finished") drawPodium();
  if (reducedMotion.matches) return;
  for (const row of ordered) {
    const first = before.get(row.dataset.contestant);
    if (first === undefined) continue;
    const delta = first - row.getBoundingClientRect().top;
    if (Math.abs(delta) < 1) continue;
    row.animate([{ transform: `translateY(${delta}px)` }, { transform: "translateY(0)" }], {
      duration: MOVE_MS,
      easing: "cubic-bezier(0.2, 0.8, 0.2, 1)",
    });
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
  find("regions-list").replaceChildren(
    ...ranked.map(([code, { places }]) => {
      const item = document.createElement("li");
      const count = document.createElement("span");
      count.className = "count";
      count.textContent = String(places);
      item.append(regionName(code), count);
      return item;
    }),
  );
}

/** ?lang=en, zh-Hant, zh-TW, zh-HK… picks the screen's language for this page only. */
function localeFromUrl() {
  const asked = (new URLSearchParams(location.search).get("lang") ?? "").toLowerCase();
  if (!asked) {
    apply();
    return;
  }
  let tag = "zh-Hans";
  if (asked.startsWith("en")) tag = "en";
  else if (/^zh-(hant|tw|hk|mo)/.test(asked)) tag = "zh-Hant";
  setLocale(tag, { remember: false });
}
