// A contestant registers for a campaign on their phone: the fields the campaign asks,
// city then district from its places, its units; problems shown at their fields in the
// contestant's language. The registration's token is kept in localStorage: it starts
// the attempts (POST /api/v1/campaigns/{id}/entries), here or after a reload.

import { bindLocaleSelect, locale, pick, t } from "./i18n.js";
import { applyCampaign, ct, problem } from "./campaign-i18n.js";
import { showCertificates } from "./my-certificates.js";
import { reviewItem } from "./review-items.js";

const root = document.querySelector("[data-register]");
const config = JSON.parse(document.getElementById("campaign-form")?.textContent || "null");
const form = root?.querySelector("[data-register-form]");
const find = (name) => root.querySelector(`[data-${name}]`);
const $ = (id) => document.getElementById(id);
const PLAY_SESSION = "leitai.play.session"; // play.js resumes an attempt from it
const OFFSET_MS = 8 * 3_600_000; // Beijing time, as the campaign's days are

function storageKey() {
  return `leitai.campaign.${config.id}.registration`;
}

/** The registration kept on this phone: {id, token, nickname}, or null. */
function kept() {
  try {
    return JSON.parse(localStorage.getItem(storageKey()));
  } catch {
    return null;
  }
}

function keep(registration) {
  try {
    if (registration) localStorage.setItem(storageKey(), JSON.stringify(registration));
    else localStorage.removeItem(storageKey());
  } catch {
    // Private browsing may refuse storage: the token then lasts while the page is open.
  }
}

let registration = null;

// --- pickers ---------------------------------------------------------------------------

function option(value, text, chosen) {
  const node = document.createElement("option");
  node.value = value;
  node.textContent = text;
  node.selected = value === chosen;
  return node;
}

function fillCities() {
  const select = $("place-city");
  if (!select) return;
  const chosen = select.value;
  select.replaceChildren(option("", ct("choose")), ...config.places.map((city) => option(city.code, pick(city.name), chosen)));
  fillDistricts();
}

function fillDistricts() {
  const select = $("place-district");
  const chosen = select.value;
  const city = config.places.find((place) => place.code === $("place-city").value);
  select.replaceChildren(option("", ct("any_district")), ...(city?.districts ?? []).map((place) => option(place.code, pick(place.name), chosen)));
  select.disabled = !city;
  fillUnits();
}

/** The place sent: the district if one is chosen, else the city, else none. */
function chosenPlace() {
  return $("place-district")?.value || $("place-city")?.value || "";
}

/** The codes of the places the chosen one covers: a city its districts too; null: any. */
function placesChosen() {
  const district = $("place-district")?.value;
  if (district) return new Set([district]);
  const city = config.places.find((place) => place.code === $("place-city")?.value);
  return city ? new Set([city.code, ...city.districts.map((place) => place.code)]) : null;
}

/** The units in the place chosen (the server refuses a unit outside it). */
function fillUnits() {
  const select = $("unit");
  if (!select) return;
  const chosen = select.value;
  const places = placesChosen();
  const shown = config.units.filter((unit) => !places || places.has(unit.place));
  // A code tells units of one name apart (the server refuses an ambiguous name).
  select.replaceChildren(option("", ct("choose")), ...shown.map((unit) => option(unit.code || unit.name, unit.code ? `${unit.name}（${unit.code}）` : unit.name, chosen)));
}

// --- the form --------------------------------------------------------------------------

function notice(text) {
  const line = find("notice");
  line.textContent = text;
  line.hidden = !text;
}

function clearProblems() {
  for (const line of form.querySelectorAll("[data-error-for]")) line.textContent = "";
  for (const control of form.querySelectorAll("[aria-invalid]")) control.removeAttribute("aria-invalid");
  notice("");
}

/** Show {field: [messages]} at the fields; problems with no field go to the notice. */
function showProblems(fields, fallback) {
  const homeless = [];
  let placed = false;
  for (const [name, messages] of Object.entries(fields || {})) {
    const line = form.querySelector(`[data-error-for="${CSS.escape(name)}"]`);
    const text = [].concat(messages).map(problem).join("；");
    if (!line) {
      homeless.push(text); // the campaign's (closed) or the identity's (registered already)
      continue;
    }
    placed = true;
    line.textContent = text;
    for (const control of form.querySelectorAll(`[aria-describedby~="${CSS.escape(`${name}-error`)}"]`)) control.setAttribute("aria-invalid", "true");
  }
  notice([placed ? fallback : null, ...homeless].filter(Boolean).join(" "));
  form.querySelector('[aria-invalid="true"]')?.focus();
}

function body() {
  const sent = { nickname: $("nickname").value };
  for (const name of Object.keys(config.fields)) {
    const value = name === "place" ? chosenPlace() : $(name).value;
    if (value.trim()) sent[name] = value;
  }
  return sent;
}

async function submit(event) {
  event.preventDefault();
  clearProblems();
  const button = find("submit");
  button.disabled = true;
  button.textContent = ct("registering");
  const sent = body();
  let response;
  try {
    response = await fetch(`/api/v1/campaigns/${config.id}/registrations`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(sent),
    });
  } catch {
    response = null;
  }
  button.disabled = false;
  button.textContent = ct("submit");
  if (!response) return notice(ct("offline"));
  const answer = await response.json().catch(() => null);
  if (response.status === 201) {
    registration = { id: answer.id, token: answer.token, nickname: sent.nickname.trim() };
    keep(registration);
    return showDone();
  }
  if (response.status === 429) return notice(ct("too_many"));
  const fields = answer?.error?.fields;
  if (fields && Object.keys(fields).length) return showProblems(fields, ct("fix_fields"));
  notice(ct("failed"));
}

// --- registered ------------------------------------------------------------------------

function showDone() {
  find("you").textContent = ct("you_are", { nickname: registration.nickname });
  find("rounds").replaceChildren(...config.rounds.map((round) => {
    const item = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "primary wide";
    button.textContent = ct(round.practice ? "practice" : "start", { title: round.title });
    button.addEventListener("click", () => start(round, button));
    item.append(button);
    return item;
  }));
  showStep("done");
  const certificates = `/api/v1/certificates/mine?campaign=${config.id}`;
  showCertificates(find("certificates"), find("certificates-heading"), certificates, registration.token);
}

/** Start an attempt and hand it to the play page, which resumes it by code and token. */
async function start(round, button) {
  notice("");
  button.disabled = true;
  const label = button.textContent;
  button.textContent = ct("starting");
  let response;
  try {
    response = await fetch(`/api/v1/campaigns/${config.id}/entries`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({
        token: registration.token,
        round: round.round,
        practice: round.practice,
        // A round whose rules allow it doubles an elderly-mode attempt's time.
        elder: document.documentElement.classList.contains("elder"),
      }),
    });
  } catch {
    response = null;
  }
  button.disabled = false;
  button.textContent = label;
  if (!response) return notice(ct("offline"));
  const answer = await response.json().catch(() => null);
  if (response.status !== 201) return notice(answer?.error?.message || ct("failed"));
  try {
    localStorage.setItem(PLAY_SESSION, JSON.stringify({ code: round.code, token: answer.token, contestant: answer.contestant, nickname: registration.nickname }));
  } catch {
    // Without storage the play page cannot resume: nothing more to do here.
  }
  location.assign(`/play/${round.code}`);
}

// --- wrong answers ---------------------------------------------------------------------
// Every question this registration got wrong, attempt by attempt across the campaign,
// with its answer, the key and the explanation: the server opens each attempt as the
// reveal rule allows (practice at once, counted attempts after their window) and says
// when a closed one opens. Reached from here and from the end screen of a campaign round
// (`#review`).

function showStep(name) {
  for (const step of root.querySelectorAll("[data-step]")) step.hidden = step.dataset.step !== name;
}

async function showReview() {
  showStep("review");
  history.replaceState(null, "", "#review");
  root.querySelector("#review-heading").focus();
  const status = find("review-status");
  const holder = find("review-attempts");
  status.textContent = t("wrong_loading");
  let response;
  try {
    response = await fetch(`/api/v1/campaigns/${config.id}/review/mine?lang=${locale()}`, {
      headers: { Authorization: `Bearer ${registration.token}`, Accept: "application/json" },
    });
  } catch {
    response = null;
  }
  const body = response?.ok ? await response.json().catch(() => null) : null;
  if (!body) {
    holder.replaceChildren();
    status.textContent = t("review_failed");
    return;
  }
  status.textContent = body.wrong ? t("wrong_count", { count: body.wrong }) : t("wrong_none");
  holder.replaceChildren(...body.attempts.filter((a) => a.wrong.length || shut(a)).map(attemptPart));
}

/** An attempt whose review has not opened (the same for everyone: no questions, a time). */
function shut(attempt) {
  return attempt.total === null;
}

/** One attempt: its stage, kind and day, then its wrong answers or when they open. */
function attemptPart(attempt) {
  const part = document.createElement("section");
  part.className = "review-attempt";
  const heading = document.createElement("h3");
  const day = new Date(attempt.started_at + OFFSET_MS).toISOString().slice(0, 10);
  const kind = t(attempt.practice ? "wrong_practice" : "wrong_counted");
  heading.textContent = t("wrong_attempt", { stage: attempt.stage, kind, day });
  part.append(heading);
  if (attempt.wrong.length) {
    const list = document.createElement("ol");
    list.className = "review-list";
    list.append(...attempt.wrong.map(reviewItem));
    part.append(list);
  }
  if (shut(attempt) && attempt.opens_at) {
    const later = document.createElement("p");
    later.className = "hint";
    const time = new Date(attempt.opens_at + OFFSET_MS).toISOString().slice(0, 16).replace("T", " ");
    later.textContent = t("wrong_opens_at", { time });
    part.append(later);
  }
  return part;
}

function hideReview() {
  history.replaceState(null, "", location.pathname + location.search);
  showDone();
}

function again() {
  keep(null);
  registration = null;
  form.reset();
  fillCities();
  showStep("form");
  $("nickname").focus();
}

function render() {
  applyCampaign();
  if (!config) return;
  const closes = new Date(config.closes_at + OFFSET_MS).toISOString().slice(0, 16).replace("T", " ");
  find("closes").textContent = ct("closes", { time: closes });
  if (Date.now() >= config.closes_at && !registration) {
    notice(ct("closed"));
    find("submit").disabled = true;
  }
  fillCities();
  if (!$("place-city")) fillUnits();
  if (registration && location.hash === "#review") showReview();
  else if (registration) showDone();
  else if (location.hash === "#review") notice(t("wrong_register_first"));
}

bindLocaleSelect(render);
if (config) {
  registration = kept();
  $("place-city")?.addEventListener("change", fillDistricts);
  $("place-district")?.addEventListener("change", fillUnits);
  form.addEventListener("submit", submit);
  find("again").addEventListener("click", again);
  find("review-open").addEventListener("click", showReview);
  find("review-back").addEventListener("click", hideReview);
  find("submit").disabled = false;
}
render();
