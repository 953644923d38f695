// Shared by every console page: the token, API calls, text, and errors shown at fields.
import { fieldPlace, problemText, refusalText } from "./server-text.js";

const TOKEN_KEY = "leitai.console.token";
const ROLE_KEY = "leitai.console.role";

export const main = document.getElementById("content");

/** The page's text in its language: zh-Hans unless the organiser chose another. */
export function t(zh, en, hant) {
  const lang = document.documentElement.lang;
  return lang === "en" ? en : lang === "zh-Hant" ? hant : zh;
}

// The language selector's options are the switch's addresses (see layout.html).
document.getElementById("console-lang")?.addEventListener("change", (event) => location.assign(event.target.value));

export function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function saveLogin(issued) {
  sessionStorage.setItem(TOKEN_KEY, issued.token);
  sessionStorage.setItem(ROLE_KEY, issued.role);
}

export function logout() {
  sessionStorage.removeItem(TOKEN_KEY);
  sessionStorage.removeItem(ROLE_KEY);
  toLogin();
}

/** The logout button: the server revokes the token first, so a copy of it is useless. */
async function logOutEverywhere() {
  const held = token();
  if (held) {
    try {
      await fetch("/api/v1/auth/logout", { method: "POST", headers: { Authorization: `Bearer ${held}` } });
    } catch {
      // Offline: the token is forgotten here all the same and expires by itself.
    }
  }
  logout();
}

function toLogin() {
  const back = location.pathname + location.search;
  location.assign(`${main.dataset.loginUrl}?next=${encodeURIComponent(back)}`);
}

/** Pages other than the login page need a token; without one, go and log in. */
export function requireLogin() {
  if (!token()) {
    toLogin();
    return false;
  }
  const logoutButton = document.getElementById("logout");
  logoutButton.hidden = false;
  logoutButton.addEventListener("click", logOutEverywhere);
  document.getElementById("whoami").textContent = sessionStorage.getItem(ROLE_KEY) || "";
  return true;
}

/**
 * Call the JSON API. Resolves to {ok, status, data, date, sentAt, receivedAt}: the
 * server's Date header (whole seconds) and when the call left and came back, which bound
 * the server's clock. An expired token sends the organiser to the login page. `body` may be an object (sent as JSON), a Blob/File, or
 * FormData (sent as multipart, its boundary set by the browser).
 */
export async function api(method, path, body) {
  const headers = { Accept: "application/json" };
  if (token()) headers.Authorization = `Bearer ${token()}`;
  let payload;
  if (body instanceof FormData) {
    payload = body;
  } else if (body instanceof Blob) {
    payload = body;
    headers["Content-Type"] = body.type || "application/octet-stream";
  } else if (body !== undefined) {
    payload = JSON.stringify(body);
    headers["Content-Type"] = "application/json";
  }
  let response;
  const sentAt = Date.now();
  try {
    response = await fetch(`/api/v1${path}`, { method, headers, body: payload });
  } catch {
    return { ok: false, status: 0, data: { error: { code: "offline", message: t("无法连接服务器。", "Cannot reach the server.", "無法連接服務器。"), fields: {} } } };
  }
  if (response.status === 401 && path !== "/auth/token") {
    logout();
  }
  const receivedAt = Date.now();
  const date = Date.parse(response.headers.get("Date") || "");
  const text = await response.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = { error: { code: "bad_response", message: text.slice(0, 200), fields: {} } };
  }
  return { ok: response.ok, status: response.status, data, date, sentAt, receivedAt };
}

/** The title of a round's competition (a self-paced round has no live state to carry it). */
export async function roundTitle(roundId) {
  const round = await api("GET", `/rounds/${roundId}`);
  if (!round.ok) return null;
  const competition = await api("GET", `/competitions/${round.data.competition_id}`);
  return competition.ok ? competition.data.title : null;
}

/** Fetch a file with the token and hand it to the browser as a download. */
export async function download(path, filename) {
  const response = await fetch(`/api/v1${path}`, { headers: { Authorization: `Bearer ${token()}` } });
  if (!response.ok) {
    say(t("下载失败。", "The download failed.", "下載失敗。"), true);
    return;
  }
  const url = URL.createObjectURL(await response.blob());
  const link = el("a", { href: url, download: filename });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** A polite status line for screen readers and everyone else. */
export function say(message, isError = false) {
  const status = document.getElementById("status");
  status.textContent = message;
  status.classList.toggle("bad", isError);
}

/** Why the server refused, in the console's language (its own words for a refusal the
 * console does not know). */
export function errorMessage(result) {
  const error = result.data?.error;
  return refusalText(error) || error?.message || t(`请求失败（${result.status}）。`, `The request failed (${result.status}).`, `請求失敗（${result.status}）。`);
}

/** Build an element: el("button", {type: "button", onclick}, "text", child...). */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else if (name === "dataset") Object.assign(node.dataset, value);
    else if (name in node && typeof value !== "string") node[name] = value;
    else node.setAttribute(name, value === true ? "" : value);
  }
  node.append(...children.flat().filter((child) => child !== null && child !== undefined && child !== false));
  return node;
}

let uid = 0;
export function nextId(prefix) {
  uid += 1;
  return `${prefix}-${uid}`;
}

/**
 * A labelled field wrapper that errors can be shown in: `path` is where the server
 * reports problems (e.g. "questions[3].choices[1].text"); the control is described by
 * the wrapper's error line so a screen reader reads the error with the field.
 */
export function field(path, label, control, hint) {
  const errorId = nextId("err");
  const hintId = hint ? nextId("hint") : null;
  control.id ||= nextId("f");
  control.setAttribute("aria-describedby", [hintId, errorId].filter(Boolean).join(" "));
  return el(
    "div",
    { class: "field", dataset: { path } },
    el("label", { for: control.id }, label),
    control,
    hint ? el("p", { class: "hint", id: hintId }, hint) : null,
    el("p", { class: "error", id: errorId }),
  );
}

/** Where a problem at `path` is shown: the field itself or its nearest enclosing one. */
function wrapperFor(root, path) {
  let at = path;
  while (at) {
    const found = root.querySelector(`[data-path="${CSS.escape(at)}"]`);
    if (found) return found;
    const cut = Math.max(at.lastIndexOf("."), at.lastIndexOf("["));
    at = cut > 0 ? at.slice(0, cut) : "";
  }
  return null;
}

export function clearErrors(root) {
  for (const node of root.querySelectorAll(".field.invalid")) {
    node.classList.remove("invalid");
    node.querySelector(":scope > .error").textContent = "";
    for (const control of node.querySelectorAll(":scope > input, :scope > select, :scope > textarea, :scope > fieldset")) {
      control.removeAttribute("aria-invalid");
    }
  }
}

/**
 * Show `fields` ({path: [messages]}) at their fields under `root`; returns the problems
 * that have no field on the page, for a summary. Paths may carry a prefix the page's
 * fields leave out (e.g. "rules.").
 */
export function showErrors(root, fields, prefixes = [""]) {
  const homeless = [];
  for (const [path, messages] of flatFields(fields)) {
    const text = [].concat(messages).map((message) => problemText(String(message))).join("; ");
    let wrapper = null;
    for (const prefix of prefixes) {
      const bare = prefix && path.startsWith(prefix) ? path.slice(prefix.length) : path;
      wrapper = wrapperFor(root, bare);
      if (wrapper) break;
    }
    if (!wrapper) {
      homeless.push(`${fieldPlace(path)}: ${text}`);
      continue;
    }
    wrapper.classList.add("invalid");
    const line = wrapper.querySelector(":scope > .error");
    line.textContent = line.textContent ? `${line.textContent}; ${text}` : text;
    for (const control of wrapper.querySelectorAll(":scope > input, :scope > select, :scope > textarea, :scope > fieldset")) {
      control.setAttribute("aria-invalid", "true");
    }
  }
  return homeless;
}

/** An upload's problems for its one field: what the server said of each field it named
 * (e.g. {file: ["unsupported type"]}), else why it refused. */
export function uploadProblems(result) {
  const named = Object.values(result.data?.error?.fields ?? {}).flat();
  return named.length ? named : [errorMessage(result)];
}

/** marshmallow nests a nested schema's problems ({pool: {kind: [...]}}): as flat paths. */
function flatFields(fields, prefix = "") {
  return Object.entries(fields || {}).flatMap(([name, messages]) => (
    messages && typeof messages === "object" && !Array.isArray(messages)
      ? flatFields(messages, `${prefix}${name}.`)
      : [[`${prefix}${name}`, messages]]));
}

export function localeName(locale) {
  return {
    "zh-Hans": t("简体中文", "Simplified Chinese", "簡體中文"),
    "zh-Hant": t("繁体中文", "Traditional Chinese", "繁體中文"),
    "yue-jyutping": t("粤语拼音", "Cantonese (Jyutping)", "粵語拼音"),
    en: t("英文", "English", "英文"),
  }[locale] || locale;
}

/** Text of a localised mapping in `locale`, else the first one there is. */
export function pick(text, locale) {
  if (!text) return "";
  return text[locale] ?? text["zh-Hans"] ?? Object.values(text)[0] ?? "";
}

/** A group of controls (radios, checkboxes, a locale set) under one legend and error. */
export function group(path, legend, ...children) {
  const errorId = nextId("err");
  return el(
    "fieldset",
    { class: "field group", dataset: { path }, "aria-describedby": errorId },
    el("legend", {}, legend),
    ...children,
    el("p", { class: "error", id: errorId }),
  );
}

export function modeName(mode) {
  return {
    live: t("现场抢答", "Live", "現場搶答"),
    elimination: t("淘汰赛", "Elimination", "淘汰賽"),
    self_paced: t("自主答题", "Self-paced", "自主答題"),
  }[mode] || mode;
}

/** A round's status as SQL keeps it (the hosting page has the live one). */
export function roundStatusName(status) {
  return {
    lobby: t("等待开始", "Lobby", "等待開始"),
    running: t("进行中", "Running", "進行中"),
    finished: t("已结束", "Finished", "已結束"),
  }[status] || status;
}

/** A time in ms as a datetime-local input's value, in the browser's time zone. */
export function localInputValue(ms) {
  const at = new Date(ms);
  return new Date(ms - at.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

/**
 * A self-paced round's window from two datetime-local inputs, in epoch ms, or the
 * problems with it ({opens_at: [...], closes_at: [...]}).
 */
export function readWindow(opens, closes) {
  const opensAt = new Date(opens.value).getTime();
  const closesAt = new Date(closes.value).getTime();
  const problems = {};
  if (Number.isNaN(opensAt)) problems.opens_at = [t("请填写开始时间", "Give the opening time", "請填寫開始時間")];
  if (Number.isNaN(closesAt)) problems.closes_at = [t("请填写结束时间", "Give the closing time", "請填寫結束時間")];
  else if (closesAt <= Date.now()) problems.closes_at = [t("结束时间须在将来", "The closing time must be in the future", "結束時間須在將來")];
  else if (closesAt <= opensAt) problems.closes_at = [t("结束时间须晚于开始时间", "Must be after the opening time", "結束時間須晚於開始時間")];
  return Object.keys(problems).length ? { problems } : { window: { opens_at: opensAt, closes_at: closesAt } };
}

/** A duration as "1 天 02:03:04" / "02:03" (ms, rounded up to the second). */
export function duration(ms) {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const days = Math.floor(total / 86400);
  const hours = Math.floor((total % 86400) / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const pad = (n) => String(n).padStart(2, "0");
  const clock = hours || days ? `${pad(hours)}:${pad(minutes)}:${pad(seconds)}` : `${pad(minutes)}:${pad(seconds)}`;
  return days ? `${days} ${t("天", "d", "天")} ${clock}` : clock;
}
