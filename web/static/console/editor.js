// The draft editor: one form per question, checked live by the server (PUT the draft;
// its per-field errors are shown at the field), cheap checks in the browser meanwhile,
// media uploads, and a preview of the chosen question in any locale.
import {
  api, clearErrors, el, errorMessage, field, group, localeName, main, pick, requireLogin,
  say, showErrors, t,
} from "./common.js";

const LOCALES = main.dataset.locales.split(",");
const SLUG = main.dataset.slug;
const TYPES = ["single", "multiple", "true_false", "text", "order"];
const CHOICE_TYPES = new Set(["single", "multiple", "order"]);
const KEY = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const SHAPES = ["▲", "◆", "●", "■", "★", "✚"];
const CHECK_DELAY_MS = 600;

let doc = null; // the draft as the API shows it, edited in place
let shown = new Set(); // locales with a text box in the form
let current = 0; // the question the preview shows
let timer = null;
let sent = 0; // number of the latest check sent, so a late answer never wins

const form = document.getElementById("bank-form");
const questionsBox = document.getElementById("questions");

function typeName(type) {
  return {
    single: t("单选", "Single choice"),
    multiple: t("多选", "Multiple choice"),
    true_false: t("判断", "True or false"),
    text: t("填空", "Text answer"),
    order: t("排序", "Put in order"),
  }[type];
}

// --- building the form -----------------------------------------------------------------

/** Text boxes for a localised text, one per shown locale, under one group. */
function localized(path, legend, text, { multiline = false, optional = false, onchange } = {}) {
  const boxes = [...shown].map((locale) => {
    const control = el(multiline ? "textarea" : "input", {
      lang: locale,
      rows: multiline ? "2" : undefined,
      oninput: (event) => {
        const value = event.target.value;
        if (value.trim()) text[locale] = value;
        else delete text[locale];
        onchange?.();
        changed();
      },
    });
    control.value = text[locale] ?? "";
    const label = locale === doc.default_locale && !optional
      ? `${localeName(locale)} (${t("默认，必填", "default, required")})`
      : localeName(locale);
    return field(`${path}.${locale}`, label, control);
  });
  return group(path, legend, ...boxes);
}

function input(path, label, value, onvalue, attributes = {}, hint) {
  const control = el("input", { ...attributes, oninput: (event) => { onvalue(event.target.value); changed(); } });
  control.value = value ?? "";
  return field(path, label, control, hint);
}

function select(path, label, options, value, onvalue) {
  const control = el(
    "select",
    { onchange: (event) => onvalue(event.target.value) },
    options.map(([optionValue, text]) => el("option", { value: String(optionValue), selected: String(optionValue) === String(value) }, text)),
  );
  return field(path, label, control);
}

function renderHeader() {
  const box = document.getElementById("bank-header");
  box.replaceChildren(
    localized("title", t("题库名称", "Bank title"), doc.title),
    el("p", { class: "hint" }, `${t("默认语言", "Default locale")}: ${localeName(doc.default_locale)}`),
  );
}

function renderLocaleToggles() {
  const box = document.getElementById("locale-toggles");
  box.replaceChildren(...LOCALES.map((locale) => {
    const id = `show-${locale}`;
    return el("span", { class: "check" },
      el("input", {
        type: "checkbox", id, checked: shown.has(locale), disabled: locale === doc.default_locale,
        onchange: (event) => {
          if (event.target.checked) shown.add(locale);
          else shown.delete(locale);
          renderAll();
        },
      }),
      el("label", { for: id }, localeName(locale)),
    );
  }));
}

function renderAll() {
  renderLocaleToggles();
  renderHeader();
  questionsBox.replaceChildren(...doc.questions.map((question, index) => questionForm(question, index)));
  renderPreview();
}

function rerenderQuestion(index) {
  const old = questionsBox.children[index];
  old.replaceWith(questionForm(doc.questions[index], index));
  renderPreview();
}

function questionForm(question, index) {
  const base = `questions[${index}]`;
  const heading = el("h2", { id: `q-${index}-title` }, `${t("第", "Question ")}${index + 1}${t(" 题", "")} · `, el("code", {}, question.key || "?"));
  const section = el("section", {
    class: "question card", "aria-labelledby": `q-${index}-title`, dataset: { index: String(index) },
    onfocusin: () => { if (current !== index) { current = index; renderPreview(); } },
  }, heading);

  section.append(
    el("div", { class: "row" },
      input(`${base}.key`, t("题目标识", "Key"), question.key, (value) => {
        question.key = value.trim();
        heading.lastChild.textContent = question.key || "?";
      }, { autocomplete: "off", spellcheck: "false" }),
      select(`${base}.type`, t("题型", "Type"), TYPES.map((type) => [type, typeName(type)]), question.type, (value) => {
        changeType(question, value);
        rerenderQuestion(index);
        changed();
        questionsBox.children[index].querySelector("select").focus();
      }),
      select(`${base}.difficulty`, t("难度（1–5）", "Difficulty (1–5)"), [1, 2, 3, 4, 5].map((n) => [n, String(n)]), question.difficulty, (value) => {
        question.difficulty = Number(value);
        changed();
      }),
    ),
    localized(`${base}.prompt`, t("题干", "Prompt"), question.prompt, { multiline: true }),
  );
  if (CHOICE_TYPES.has(question.type)) section.append(choicesGroup(question, index));
  section.append(answerGroup(question, index));
  section.append(
    el("div", { class: "row" },
      input(`${base}.tags`, t("标签（逗号分隔）", "Tags (comma-separated)"), (question.tags || []).join(", "), (value) => {
        question.tags = commaList(value);
      }),
      input(`${base}.enemies`, t("互斥组（同组题目不会同卷，逗号分隔）", "Enemy groups (never on one paper; comma-separated)"), (question.enemies || []).join(", "), (value) => {
        question.enemies = commaList(value);
      }),
      input(`${base}.time_limit_s`, t("限时（秒，留空用比赛默认）", "Time limit (s; blank: the competition's default)"), question.time_limit_s, (value) => {
        question.time_limit_s = value.trim() === "" ? null : Number(value);
      }, { type: "number", min: "5", max: "600", inputmode: "numeric" }),
    ),
    mediaGroup(question, index),
    localized(`${base}.explanation`, t("解析（可选）", "Explanation (optional)"), (question.explanation ||= {}), { multiline: true, optional: true }),
    input(`${base}.source`, t("出处（可查证的来源）", "Source (where the fact can be checked)"), question.source, (value) => {
      question.source = value;
    }),
    el("div", { class: "toolbar" },
      el("button", {
        type: "button", class: "danger",
        onclick: () => {
          doc.questions.splice(index, 1);
          current = Math.min(current, doc.questions.length - 1);
          renderAll();
          changed();
        },
      }, t("删除本题", "Delete this question")),
    ),
  );
  return section;
}

function commaList(value) {
  return value.split(/[,，]/).map((item) => item.trim()).filter(Boolean);
}

function changeType(question, type) {
  question.type = type;
  if (CHOICE_TYPES.has(type)) {
    question.choices ||= [];
    while (question.choices.length < 2) question.choices.push(newChoice(question));
    question.answer = type === "order" ? question.choices.map((c) => c.key) : [];
  } else {
    delete question.choices;
    question.answer = type === "true_false" ? [true] : [];
  }
}

function newChoice(question) {
  const used = new Set((question.choices || []).map((c) => c.key));
  const key = "abcdefghijklmnopqrstuvwxyz".split("").find((letter) => !used.has(letter)) || `c${used.size + 1}`;
  return { key, text: {} };
}

function choicesGroup(question, index) {
  const base = `questions[${index}].choices`;
  const rows = question.choices.map((choice, c) => el("div", { class: "choice" },
    el("span", { class: "shape", "aria-hidden": "true" }, SHAPES[c % SHAPES.length]),
    input(`${base}[${c}].key`, t("选项标识", "Choice key"), choice.key, (value) => {
      const old = choice.key;
      choice.key = value.trim();
      question.answer = question.answer.map((key) => (key === old ? choice.key : key));
      relabelAnswers(question, index);
    }, { autocomplete: "off", size: "6" }),
    localized(`${base}[${c}].text`, `${t("选项", "Choice")} ${c + 1}`, choice.text, {
      onchange: () => relabelAnswers(question, index),
    }),
    el("button", {
      type: "button", class: "link",
      onclick: () => {
        question.choices.splice(c, 1);
        question.answer = question.answer.filter((key) => key !== choice.key);
        rerenderQuestion(index);
        changed();
      },
    }, t(`删除选项 ${c + 1}`, `Remove choice ${c + 1}`)),
  ));
  return group(base, t("选项", "Choices"), ...rows,
    el("button", {
      type: "button",
      onclick: () => {
        const choice = newChoice(question);
        question.choices.push(choice);
        if (question.type === "order") question.answer.push(choice.key);
        rerenderQuestion(index);
        changed();
      },
    }, t("添加选项", "Add a choice")));
}

function answerGroup(question, index) {
  const path = `questions[${index}].answer`;
  const legend = t("正确答案", "Answer");
  const name = `answer-${index}`;
  const option = (type, value, label, checked, onchange) => {
    const id = `${name}-${String(value)}`;
    return el("span", { class: "check" },
      el("input", { type, id, name, checked, onchange }),
      el("label", { for: id }, label));
  };
  if (question.type === "true_false") {
    return group(path, legend,
      option("radio", true, t("对", "True"), question.answer[0] === true, () => { question.answer = [true]; changed(); }),
      option("radio", false, t("错", "False"), question.answer[0] === false, () => { question.answer = [false]; changed(); }));
  }
  if (question.type === "text") {
    const box = el("textarea", { rows: "2", oninput: (event) => {
      question.answer = event.target.value.split("\n").map((line) => line.trim()).filter(Boolean);
      changed();
    } });
    box.value = question.answer.join("\n");
    return group(path, legend, field(`${path}[0]`, t("可接受的答案（每行一个）", "Accepted answers (one per line)"), box),
      input(`questions[${index}].normalise`, t("归一化（逗号分隔，如 strip_suffix:市, digit_grouping）", "Normalisers (comma-separated, e.g. strip_suffix:市, digit_grouping)"),
        (question.normalise || []).join(", "), (value) => { question.normalise = commaList(value); }));
  }
  if (question.type === "order") {
    return group(path, legend, input(`${path}[0]`, t("正确顺序（选项标识，逗号分隔）", "Correct order (choice keys, comma-separated)"),
      question.answer.join(", "), (value) => {
        question.answer = value.split(/[,，\s]+/).filter(Boolean);
      }));
  }
  const type = question.type === "single" ? "radio" : "checkbox";
  return group(path, legend, ...question.choices.map((choice, c) => option(
    type, c, answerLabel(choice, c),
    question.answer.includes(choice.key),
    (event) => {
      if (type === "radio") question.answer = [choice.key];
      else question.answer = event.target.checked
        ? [...question.answer, choice.key]
        : question.answer.filter((key) => key !== choice.key);
      changed();
    })));
}

function answerLabel(choice, c) {
  return `${SHAPES[c % SHAPES.length]} ${choice.key} ${pick(choice.text, doc.default_locale)}`.trim();
}

/** Choice texts label the answer boxes: keep those labels in step while typing. */
function relabelAnswers(question, index) {
  const labels = questionsBox.children[index].querySelectorAll(`[data-path="questions[${index}].answer"] label`);
  if (labels.length === question.choices.length) {
    labels.forEach((label, c) => { label.textContent = answerLabel(question.choices[c], c); });
  }
}

function mediaGroup(question, index) {
  const path = `questions[${index}].media`;
  const upload = el("input", { type: "file", accept: "audio/*,image/*", onchange: (event) => uploadMedia(event.target, question, index) });
  const parts = [field(`${path}.sha256`, t("上传音频或图片", "Upload audio or a picture"), upload)];
  if (question.media) {
    const media = question.media;
    parts.push(
      el("p", { class: "hint" }, `${media.kind === "audio" ? t("音频", "Audio") : t("图片", "Picture")}: ${media.path} (${(media.sha256 || "").slice(0, 12)}…)`),
      field(`${path}.path`, t("文件名", "File name"), (() => {
        const control = el("input", { oninput: (event) => { media.path = event.target.value; changed(); } });
        control.value = media.path;
        return control;
      })()),
      localized(`${path}.alt`, t("替代文字（读屏软件读出）", "Alt text (read out by screen readers)"), media.alt),
      el("button", { type: "button", class: "link", onclick: () => { delete question.media; rerenderQuestion(index); changed(); } }, t("移除媒体", "Remove the media")),
    );
  }
  return group(path, t("媒体", "Media"), ...parts);
}

async function uploadMedia(control, question, index) {
  const file = control.files[0];
  if (!file) return;
  say(t("正在上传…", "Uploading…"));
  const result = await api("POST", "/media", file);
  if (!result.ok) {
    say(errorMessage(result), true);
    showErrors(questionsBox.children[index], { [`questions[${index}].media.sha256`]: [errorMessage(result)] });
    return;
  }
  const safeName = file.name.replace(/[\\/]+/g, "_").replace(/^\.+/, "") || "media";
  question.media = {
    kind: result.data.mime.startsWith("audio/") ? "audio" : "image",
    path: `media/${safeName}`,
    alt: question.media?.alt || {},
    sha256: result.data.sha256,
  };
  say(t("已上传。请填写替代文字。", "Uploaded. Please add alt text."));
  rerenderQuestion(index);
  changed();
}

// --- checking and saving ---------------------------------------------------------------

/** The draft as the API takes it: optional fields left out when empty. */
function document_() {
  return {
    format: doc.format,
    slug: doc.slug,
    title: doc.title,
    default_locale: doc.default_locale,
    questions: doc.questions.map((q) => {
      const out = { key: q.key, type: q.type, prompt: q.prompt };
      if (CHOICE_TYPES.has(q.type)) out.choices = q.choices;
      out.answer = q.answer;
      out.difficulty = q.difficulty;
      if (q.tags?.length) out.tags = q.tags;
      if (q.enemies?.length) out.enemies = q.enemies;
      if (q.type === "text" && q.normalise?.length) out.normalise = q.normalise;
      if (q.time_limit_s !== null && q.time_limit_s !== undefined && !Number.isNaN(q.time_limit_s)) out.time_limit_s = q.time_limit_s;
      if (q.media) out.media = q.media;
      if (q.explanation && Object.keys(q.explanation).length) out.explanation = q.explanation;
      out.source = q.source ?? "";
      return out;
    }),
  };
}

/** Problems the browser can see at once; the server's check (moments later) has them all. */
function quickProblems() {
  const problems = {};
  const add = (path, message) => (problems[path] ||= []).push(message);
  const seen = new Set();
  doc.questions.forEach((q, i) => {
    const base = `questions[${i}]`;
    if (!KEY.test(q.key || "")) add(`${base}.key`, t("1–64 个小写字母、数字、. _ -，以字母或数字开头", "1 to 64 lowercase letters, digits, '.', '_' or '-', starting alphanumeric"));
    else if (seen.has(q.key)) add(`${base}.key`, t("题目标识重复", "duplicate question key"));
    seen.add(q.key);
    if (!q.prompt[doc.default_locale]?.trim()) add(`${base}.prompt`, t("缺少默认语言的题干", "missing the default locale"));
    if (CHOICE_TYPES.has(q.type) && q.choices.length < 2) add(`${base}.choices`, t("至少需要 2 个选项", "needs at least 2 choices"));
    if (!q.answer.length) add(`${base}.answer`, t("请给出正确答案", "give the answer"));
    if (!(q.source || "").trim()) add(`${base}.source`, t("请写明可查证的出处", "must say where the fact can be checked"));
  });
  return problems;
}

function display(problems, fromServer) {
  clearErrors(form);
  const homeless = showErrors(form, problems);
  const summary = document.getElementById("summary");
  const list = document.getElementById("summary-list");
  const entries = Object.entries(problems);
  summary.hidden = !entries.length;
  list.replaceChildren(...entries.map(([path, messages]) => {
    const target = form.querySelector(`[data-path="${CSS.escape(path)}"] input, [data-path="${CSS.escape(path)}"] textarea, [data-path="${CSS.escape(path)}"] select`);
    const text = `${path}: ${[].concat(messages).join("; ")}`;
    return el("li", {}, target
      ? el("a", { href: `#${target.id}`, onclick: (event) => { event.preventDefault(); target.focus(); } }, text)
      : text);
  }));
  const state = document.getElementById("save-state");
  if (!entries.length) return;
  state.textContent = fromServer
    ? t(`服务器发现 ${entries.length} 处问题，草稿未保存。`, `The server found ${entries.length} problem(s); the draft was not saved.`)
    : t(`有 ${entries.length} 处问题。`, `${entries.length} problem(s).`);
  state.className = "save-state bad";
  if (homeless.length) console.warn("problems without a field", homeless);
}

/** Something was edited: quick checks now, the server's check shortly. */
function changed() {
  display(quickProblems(), false);
  renderPreview();
  clearTimeout(timer);
  timer = setTimeout(check, CHECK_DELAY_MS);
}

async function check() {
  clearTimeout(timer);
  const mine = ++sent;
  const state = document.getElementById("save-state");
  state.textContent = t("正在检查…", "Checking…");
  state.className = "save-state";
  const result = await api("PUT", `/banks/${SLUG}/draft`, document_());
  if (mine !== sent) return;
  if (result.ok) {
    display({}, true);
    state.textContent = t(`草稿已保存（${result.data.draft_questions} 题）。`, `Draft saved (${result.data.draft_questions} questions).`);
    state.className = "save-state good";
    lint(mine);
  } else if (result.status === 422) {
    display(result.data.error.fields, true);
  } else {
    state.textContent = errorMessage(result);
    state.className = "save-state bad";
  }
}

// --- the linter's notes on the saved draft ---------------------------------------------

const RULE_NAMES = {
  "answer-position": t("答案位置分布不均", "Keys uneven across positions"),
  "true-false-balance": t("判断题对错不均衡", "True/false unbalanced"),
  "multiple-same-count": t("多选题正确项数目总相同", "Multiple-select: always the same count"),
  "multiple-always-in": t("多选题某一项总是正确", "Multiple-select: one option always in"),
  "longest-option": t("最长选项常是答案", "The longest option is often the key"),
  "answer-in-prompt": t("题干泄露答案", "The prompt gives the answer away"),
  "near-duplicate": t("题目近似重复", "Near-duplicate items"),
  "enemy-candidate": t("泄露另一题的答案", "Reveals another item's answer"),
  "enemy-candidate-option": t("选项含另一题的答案", "Options hold another item's answer"),
  "enemy-group-alone": t("互斥组只有一题", "Enemy group of one"),
  "missing-locale": t("缺少语言版本", "Missing locale"),
  "unpinned": t("未注明法规版本或年份", "Law or date not pinned"),
  "long-prompt": t("题干过长（手机）", "Prompt too long for a phone"),
  "long-option": t("选项过长（手机）", "Option too long for a phone"),
};
const SEVERITY_NAMES = { error: t("错误", "Error"), warning: t("警告", "Warning"), info: t("提示", "Note") };

async function lint(mine) {
  const result = await api("GET", `/banks/${SLUG}/lint`);
  if (mine !== sent || !result.ok) return;
  const box = document.getElementById("lint");
  const findings = result.data.findings;
  box.hidden = !findings.length;
  document.getElementById("lint-list").replaceChildren(...findings.map((finding) => el("li", {},
    el("span", { class: `severity ${finding.severity}` }, SEVERITY_NAMES[finding.severity]),
    finding.question ? el("code", {}, finding.question) : null,
    ` ${RULE_NAMES[finding.rule] || finding.rule}: ${finding.message}`,
  )));
  showConversions(findings);
}

/** Where zh-Hant is missing, show what readers get instead (the OpenCC conversion),
 * marked as converted, in the empty zh-Hant box. */
function showConversions(findings) {
  for (const marker of form.querySelectorAll(".converted")) marker.remove();
  for (const finding of findings) {
    for (const [path, text] of Object.entries(finding.suggestions || {})) {
      const box = form.querySelector(`[data-path="${CSS.escape(path)}"]`);
      const control = box?.querySelector("input, textarea");
      if (!control || control.value) continue;
      control.placeholder = text;
      box.querySelector("label")?.append(el("span", { class: "converted" }, t("（自动转换，未经作者审定）", "(converted automatically, not reviewed)")));
    }
  }
}

// --- preview ---------------------------------------------------------------------------

function renderPreview() {
  const box = document.getElementById("preview");
  const locale = document.getElementById("preview-locale").value;
  const question = doc.questions[current];
  if (!question) {
    box.replaceChildren(el("p", { class: "hint" }, t("还没有题目。", "No questions yet.")));
    return;
  }
  const missing = (text) => text && !text[locale] && Object.keys(text).length;
  const note = missing(question.prompt)
    ? el("p", { class: "hint warn" }, t(`此题没有 ${locale} 文本，选手将看到默认语言。`, `No ${locale} text: contestants will see the default locale.`))
    : null;
  const media = question.media?.sha256
    ? (question.media.kind === "audio"
      ? el("audio", { controls: true, src: `/media/${question.media.sha256}`, "aria-label": pick(question.media.alt, locale) })
      : el("img", { src: `/media/${question.media.sha256}`, alt: pick(question.media.alt, locale) }))
    : null;
  const answers = question.type === "true_false"
    ? [[true, t("对", "True")], [false, t("错", "False")]]
    : (question.choices || []).map((c) => [c.key, pick(c.text, locale)]);
  box.replaceChildren(...[
    el("p", { class: "hint" }, `${current + 1} / ${doc.questions.length} · ${typeName(question.type)}`),
    note,
    el("p", { class: "prompt", lang: locale }, pick(question.prompt, locale)),
    media,
    question.type === "text"
      ? el("p", {}, `${t("可接受", "Accepted")}: ${question.answer.join(" / ")}`)
      : el("ol", { class: "options", lang: locale }, answers.map(([key, text], c) => el("li", {
        class: question.answer.includes(key) ? "right" : "",
      }, el("span", { class: "shape", "aria-hidden": "true" }, SHAPES[c % SHAPES.length]), ` ${text} `,
      question.answer.includes(key) ? el("strong", {}, question.type === "order" ? `#${question.answer.indexOf(key) + 1}` : t("✓ 正确", "✓ right")) : null))),
    question.explanation?.[locale] ? el("p", { class: "explanation", lang: locale }, pick(question.explanation, locale)) : null,
  ].filter(Boolean));
}

// --- start -----------------------------------------------------------------------------

function addQuestion() {
  const used = new Set(doc.questions.map((q) => q.key));
  let n = doc.questions.length + 1;
  while (used.has(`q${n}`)) n += 1;
  doc.questions.push({ key: `q${n}`, type: "single", prompt: {}, choices: [{ key: "a", text: {} }, { key: "b", text: {} }], answer: [], difficulty: 3, tags: [], time_limit_s: null, source: "" });
  current = doc.questions.length - 1;
  renderAll();
  changed();
  questionsBox.lastElementChild.querySelector("textarea").focus();
}

async function start() {
  const result = await api("GET", `/banks/${SLUG}/draft`);
  if (!result.ok) {
    say(errorMessage(result), true);
    return;
  }
  doc = result.data;
  const present = (text) => Object.keys(text || {});
  shown = new Set([doc.default_locale, ...present(doc.title), ...doc.questions.flatMap((q) => present(q.prompt))]);
  document.getElementById("preview-locale").value = doc.default_locale;
  document.getElementById("preview-locale").addEventListener("change", renderPreview);
  for (const [id, action] of [["add-question", addQuestion], ["save-now", check]]) {
    const button = document.getElementById(id);
    button.addEventListener("click", action);
    button.disabled = false;
  }
  form.addEventListener("submit", (event) => { event.preventDefault(); check(); });
  renderAll();
  say(t(`已载入草稿（${doc.questions.length} 题）。`, `Draft loaded (${doc.questions.length} questions).`));
}

if (requireLogin()) start();
