// Shared by every console page: the token, API calls, text, and errors shown at fields.

const TOKEN_KEY = "leitai.console.token";
const ROLE_KEY = "leitai.console.role";

export const main = document.getElementById("content");

/** The page's language: zh-Hans unless the organiser switched to English. */
export function t(zh, en) {
  return document.documentElement.lang === "en" ? en : zh;
}

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
 * Call the JSON API. Resolves to {ok, status, data}; an expired token sends the
 * organiser to the login page. `body` may be an object (sent as JSON), a Blob/File, or
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
  try {
    response = await fetch(`/api/v1${path}`, { method, headers, body: payload });
  } catch {
    return { ok: false, status: 0, data: { error: { code: "offline", message: t("无法连接服务器。", "Cannot reach the server."), fields: {} } } };
  }
  if (response.status === 401 && path !== "/auth/token") {
    logout();
  }
  const text = await response.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = { error: { code: "bad_response", message: text.slice(0, 200), fields: {} } };
  }
  return { ok: response.ok, status: response.status, data };
}

/** Fetch a file with the token and hand it to the browser as a download. */
export async function download(path, filename) {
  const response = await fetch(`/api/v1${path}`, { headers: { Authorization: `Bearer ${token()}` } });
  if (!response.ok) {
    say(t("下载失败。", "The download failed."), true);
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

export function errorMessage(result) {
  return result.data?.error?.message || t(`请求失败（${result.status}）。`, `The request failed (${result.status}).`);
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
  for (const [path, messages] of Object.entries(fields || {})) {
    const text = [].concat(messages).join("; ");
    let wrapper = null;
    for (const prefix of prefixes) {
      const bare = prefix && path.startsWith(prefix) ? path.slice(prefix.length) : path;
      wrapper = wrapperFor(root, bare);
      if (wrapper) break;
    }
    if (!wrapper) {
      homeless.push(`${path}: ${text}`);
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

export function localeName(locale) {
  return {
    "zh-Hans": t("简体中文", "Simplified Chinese"),
    "zh-Hant": t("繁体中文", "Traditional Chinese"),
    "yue-jyutping": t("粤语拼音", "Cantonese (Jyutping)"),
    en: t("英文", "English"),
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
