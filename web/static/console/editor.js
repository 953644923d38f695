// The draft editor: questions as rows, a page at a time, found by text, tag and type;
// a row opens into its form, checked live by the server (PUT the draft; its per-field
// problems are shown at the field, in the console's language), cheap checks in the
// browser meanwhile, media uploads, a preview of the chosen question in any locale, and
// an undo for a few seconds after a question is deleted.
import {
  api, clearErrors, el, errorMessage, field, group, localeName, main, pick, requireLogin,
  say, showErrors, t, uploadProblems,
} from "./common.js";
import { describePath, problemText } from "./problems.js";

const LOCALES = main.dataset.locales.split(",");
const SLUG = main.dataset.slug;
const TYPES = ["single", "multiple", "true_false", "text", "order"];
const CHOICE_TYPES = new Set(["single", "multiple", "order"]);
const KEY = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const SHAPES = ["▲", "◆", "●", "■", "★", "✚"];
const CHECK_DELAY_MS = 600;
const PAGE_SIZE = 20;
const UNDO_MS = 10_000;
const LINT_OPEN_UP_TO = 5; // notes shown unfolded at first

let doc = null; // the draft as the API shows it, edited in place
let shown = new Set(); // locales with a text box in the form
let current = 0; // the question the preview shows
let timer = null;
let sent = 0; // number of the latest check sent, so a late answer never wins
let page = 0; // of the questions the filters let through
const opened = new Set(); // questions shown as forms, not rows (the objects, so deletes keep them)
// A question just added is quiet: only the fields its author has left say what is wrong,
// until "Save now" asks for everything.
const quiet = new WeakSet();
const visited = new Set(); // data-paths of fields left since the last delete
let problems = {}; // the latest check's, by path
let problemsFromServer = false;
let conversions = {}; // path -> the OpenCC zh-Hant readers get, from the latest lint

const form = document.getElementById("bank-form");
const questionsBox = document.getElementById("questions");

function typeName(type) {
  return {
    single: t("单选", "Single choice", "單選"),
    multiple: t("多选", "Multiple choice", "多選"),
    true_false: t("判断", "True or false", "判斷"),
    text: t("填空", "Text answer", "填空"),
    order: t("排序", "Put in order", "排序"),
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
      ? `${localeName(locale)} (${t("默认，必填", "default, required", "默認，必填")})`
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
    localized("title", t("题库名称", "Bank title", "題庫名稱"), doc.title),
    el("p", { class: "hint" }, `${t("默认语言", "Default locale", "默認語言")}: ${localeName(doc.default_locale)}`),
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
  renderQuestions();
}

// --- finding questions: filters, pages, rows ---------------------------------------------

const filters = {
  text: document.getElementById("filter-text"),
  tag: document.getElementById("filter-tag"),
  type: document.getElementById("filter-type"),
  problems: document.getElementById("filter-problems"),
};

function texts(question) {
  const localised = [question.prompt, question.explanation, ...(question.choices || []).map((c) => c.text)];
  return [question.key, question.source, ...localised.flatMap((text) => Object.values(text || {}))].join("\n").toLowerCase();
}

function hasProblems(index) {
  const base = `questions[${index}]`;
  return Object.keys(problems).some((path) => path === base || path.startsWith(`${base}.`) || path.startsWith(`${base}[`));
}

/** Indexes (into doc.questions) of the questions the filters let through. */
function found() {
  const words = filters.text.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
  const tag = filters.tag.value;
  const type = filters.type.value;
  const onlyProblems = filters.problems.checked;
  return doc.questions.flatMap((question, index) => {
    if (tag && !(question.tags || []).includes(tag)) return [];
    if (type && question.type !== type) return [];
    if (onlyProblems && !hasProblems(index)) return [];
    const haystack = words.length ? texts(question) : "";
    return words.every((word) => haystack.includes(word)) ? [index] : [];
  });
}

function renderTagFilter() {
  const tags = [...new Set(doc.questions.flatMap((q) => q.tags || []))].sort();
  const chosen = filters.tag.value;
  filters.tag.replaceChildren(el("option", { value: "" }, t("全部标签", "Any tag", "全部標籤")),
    ...tags.map((tag) => el("option", { value: tag, selected: tag === chosen }, tag)));
}

function renderQuestions() {
  renderTagFilter();
  const indexes = found();
  const pages = Math.max(1, Math.ceil(indexes.length / PAGE_SIZE));
  page = Math.min(page, pages - 1);
  const onPage = indexes.slice(page * PAGE_SIZE, (page + 1) * PAGE_SIZE);
  questionsBox.replaceChildren(...onPage.map((index) => questionCard(index)));
  if (!onPage.length) {
    questionsBox.append(el("p", { class: "hint" }, doc.questions.length
      ? t("没有符合筛选条件的题目。", "No question matches the filters.", "沒有符合篩選條件的題目。")
      : t("还没有题目。", "No questions yet.", "還沒有題目。")));
  }
  document.getElementById("filter-count").textContent = indexes.length === doc.questions.length
    ? t(`共 ${doc.questions.length} 题`, `${doc.questions.length} question(s)`, `共 ${doc.questions.length} 題`)
    : t(`显示 ${indexes.length} / ${doc.questions.length} 题`, `${indexes.length} of ${doc.questions.length} question(s)`, `顯示 ${indexes.length} / ${doc.questions.length} 題`);
  const go = (to) => () => { page = to; renderQuestions(); questionsBox.querySelector("button, input")?.focus(); };
  document.getElementById("question-pages").replaceChildren(...(pages > 1 ? [
    el("button", { type: "button", disabled: page === 0, onclick: go(page - 1) }, t("上一页", "Previous", "上一頁")),
    el("span", {}, t(`第 ${page + 1} / ${pages} 页`, `Page ${page + 1} of ${pages}`, `第 ${page + 1} / ${pages} 頁`)),
    el("button", { type: "button", disabled: page >= pages - 1, onclick: go(page + 1) }, t("下一页", "Next", "下一頁")),
  ] : []));
  showProblems();
  renderPreview();
}

function sectionOf(index) {
  return questionsBox.querySelector(`:scope > [data-index="${index}"]`);
}

function rerenderQuestion(index) {
  sectionOf(index)?.replaceWith(questionCard(index));
  showProblems();
  renderPreview();
}

function questionCard(index) {
  const question = doc.questions[index];
  const card = opened.has(question) ? questionForm(question, index) : questionRow(question, index);
  card.classList.toggle("has-problems", hasProblems(index));
  return card;
}

function numbered(index) {
  return t(`第 ${index + 1} 题`, `Question ${index + 1}`, `第 ${index + 1} 題`);
}

function toggle(question, index, open) {
  if (open) opened.add(question);
  else opened.delete(question);
  current = index;
  rerenderQuestion(index);
  sectionOf(index).querySelector(open ? "input, textarea" : "button").focus();
}

/** A question folded into one line: its number, key, type, prompt and tags. */
function questionRow(question, index) {
  const titleId = `q-${index}-title`;
  return el("section", {
    class: "question card collapsed", "aria-labelledby": titleId, dataset: { index: String(index) },
    onfocusin: () => { if (current !== index) { current = index; renderPreview(); } },
  }, el("div", { class: "summary-row" },
    el("h2", { id: titleId }, `${numbered(index)} · `, el("code", {}, question.key || "?"), ` · ${typeName(question.type)} · `,
      pick(question.prompt, doc.default_locale) || t("（无题干）", "(no prompt)", "（無題幹）")),
    (question.tags || []).length ? el("span", { class: "hint" }, question.tags.join(", ")) : null,
    el("button", { type: "button", "aria-expanded": "false", "aria-describedby": titleId, onclick: () => toggle(question, index, true) }, t("编辑", "Edit", "編輯")),
    deleteButton(index)));
}

function deleteButton(index) {
  return el("button", {
    type: "button", class: "danger", "aria-describedby": `q-${index}-title`, onclick: () => deleteQuestion(index),
  }, t("删除本题", "Delete this question", "刪除本題"));
}

let undoTimer = null;

/** Delete at once, and offer to put the question back for a few seconds. */
function deleteQuestion(index) {
  const [removed] = doc.questions.splice(index, 1);
  current = Math.max(0, Math.min(current, doc.questions.length - 1));
  visited.clear(); // paths after this one now name other questions
  renderQuestions();
  changed();
  const bar = document.getElementById("undo");
  clearTimeout(undoTimer);
  const putBack = () => {
    clearTimeout(undoTimer);
    bar.hidden = true;
    doc.questions.splice(index, 0, removed);
    current = index;
    page = Math.floor(Math.max(0, found().indexOf(index)) / PAGE_SIZE);
    renderQuestions();
    changed();
    say(t(`已恢复${numbered(index)}。`, `${numbered(index)} is back.`, `已恢復${numbered(index)}。`));
    sectionOf(index)?.querySelector("button, input")?.focus();
  };
  bar.replaceChildren(
    el("span", {}, t(`已删除${numbered(index)}（${removed.key}）。`, `Deleted ${numbered(index).toLowerCase()} (${removed.key}).`, `已刪除${numbered(index)}（${removed.key}）。`)),
    el("button", { type: "button", onclick: putBack }, t("撤销", "Undo", "撤銷")));
  bar.hidden = false;
  bar.querySelector("button").focus();
  undoTimer = setTimeout(() => {
    const hadFocus = bar.contains(document.activeElement);
    bar.hidden = true;
    if (hadFocus) (questionsBox.querySelector("button, input") || document.getElementById("add-question")).focus();
  }, UNDO_MS);
}

function questionForm(question, index) {
  const base = `questions[${index}]`;
  const heading = el("h2", { id: `q-${index}-title` }, `${numbered(index)} · `, el("code", {}, question.key || "?"));
  const section = el("section", {
    class: "question card", "aria-labelledby": `q-${index}-title`, dataset: { index: String(index) },
    onfocusin: () => { if (current !== index) { current = index; renderPreview(); } },
    onfocusout: (event) => {
      const left = event.target.closest("[data-path]")?.dataset.path;
      if (left && !visited.has(left)) {
        visited.add(left);
        showProblems();
      }
    },
  }, el("div", { class: "summary-row" }, heading,
    el("button", { type: "button", "aria-expanded": "true", "aria-describedby": `q-${index}-title`, onclick: () => toggle(question, index, false) }, t("收起", "Fold", "收起"))));

  section.append(
    el("div", { class: "row" },
      input(`${base}.key`, t("题目标识", "Key", "題目標識"), question.key, (value) => {
        question.key = value.trim();
        heading.lastChild.textContent = question.key || "?";
      }, { autocomplete: "off", spellcheck: "false" }),
      select(`${base}.type`, t("题型", "Type", "題型"), TYPES.map((type) => [type, typeName(type)]), question.type, (value) => {
        changeType(question, value);
        rerenderQuestion(index);
        changed();
        sectionOf(index).querySelector("select").focus();
      }),
      select(`${base}.difficulty`, t("难度（1–5）", "Difficulty (1–5)", "難度（1–5）"), [1, 2, 3, 4, 5].map((n) => [n, String(n)]), question.difficulty, (value) => {
        question.difficulty = Number(value);
        changed();
      }),
    ),
    localized(`${base}.prompt`, t("题干", "Prompt", "題幹"), question.prompt, { multiline: true }),
  );
  if (CHOICE_TYPES.has(question.type)) section.append(choicesGroup(question, index));
  section.append(answerGroup(question, index));
  section.append(
    el("div", { class: "row" },
      input(`${base}.tags`, t("标签（逗号分隔）", "Tags (comma-separated)", "標籤（逗號分隔）"), (question.tags || []).join(", "), (value) => {
        question.tags = commaList(value);
      }),
      input(`${base}.enemies`, t("互斥组（同组题目不会同卷，逗号分隔）", "Enemy groups (never on one paper; comma-separated)", "互斥組（同組題目不會同卷，逗號分隔）"), (question.enemies || []).join(", "), (value) => {
        question.enemies = commaList(value);
      }),
      input(`${base}.time_limit_s`, t("限时（秒，留空用比赛默认）", "Time limit (s; blank: the competition's default)", "限時（秒，留空用比賽默認）"), question.time_limit_s, (value) => {
        question.time_limit_s = value.trim() === "" ? null : Number(value);
      }, { type: "number", min: "5", max: "600", inputmode: "numeric" }),
    ),
    mediaGroup(question, index),
    localized(`${base}.explanation`, t("解析（可选）", "Explanation (optional)", "解析（可選）"), (question.explanation ||= {}), { multiline: true, optional: true }),
    input(`${base}.source`, t("出处（可查证的来源）", "Source (where the fact can be checked)", "出處（可查證的來源）"), question.source, (value) => {
      question.source = value;
    }),
    el("div", { class: "toolbar" }, deleteButton(index)),
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
    input(`${base}[${c}].key`, t("选项标识", "Choice key", "選項標識"), choice.key, (value) => {
      const old = choice.key;
      choice.key = value.trim();
      question.answer = question.answer.map((key) => (key === old ? choice.key : key));
      relabelAnswers(question, index);
    }, { autocomplete: "off", size: "6" }),
    localized(`${base}[${c}].text`, `${t("选项", "Choice", "選項")} ${c + 1}`, choice.text, {
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
    }, t(`删除选项 ${c + 1}`, `Remove choice ${c + 1}`, `刪除選項 ${c + 1}`)),
  ));
  return group(base, t("选项", "Choices", "選項"), ...rows,
    el("button", {
      type: "button",
      onclick: () => {
        const choice = newChoice(question);
        question.choices.push(choice);
        if (question.type === "order") question.answer.push(choice.key);
        rerenderQuestion(index);
        changed();
      },
    }, t("添加选项", "Add a choice", "添加選項")));
}

function answerGroup(question, index) {
  const path = `questions[${index}].answer`;
  const legend = t("正确答案", "Answer", "正確答案");
  const name = `answer-${index}`;
  const option = (type, value, label, checked, onchange) => {
    const id = `${name}-${String(value)}`;
    return el("span", { class: "check" },
      el("input", { type, id, name, checked, onchange }),
      el("label", { for: id }, label));
  };
  if (question.type === "true_false") {
    return group(path, legend,
      option("radio", true, t("对", "True", "對"), question.answer[0] === true, () => { question.answer = [true]; changed(); }),
      option("radio", false, t("错", "False", "錯"), question.answer[0] === false, () => { question.answer = [false]; changed(); }));
  }
  if (question.type === "text") {
    const box = el("textarea", { rows: "2", oninput: (event) => {
      question.answer = event.target.value.split("\n").map((line) => line.trim()).filter(Boolean);
      changed();
    } });
    box.value = question.answer.join("\n");
    return group(path, legend, field(`${path}[0]`, t("可接受的答案（每行一个）", "Accepted answers (one per line)", "可接受的答案（每行一個）"), box),
      input(`questions[${index}].normalise`, t("归一化（逗号分隔，如 strip_suffix:市, digit_grouping）", "Normalisers (comma-separated, e.g. strip_suffix:市, digit_grouping)", "歸一化（逗號分隔，如 strip_suffix:市, digit_grouping）"),
        (question.normalise || []).join(", "), (value) => { question.normalise = commaList(value); }));
  }
  if (question.type === "order") {
    return group(path, legend, input(`${path}[0]`, t("正确顺序（选项标识，逗号分隔）", "Correct order (choice keys, comma-separated)", "正確順序（選項標識，逗號分隔）"),
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
  const labels = sectionOf(index).querySelectorAll(`[data-path="questions[${index}].answer"] label`);
  if (labels.length === question.choices.length) {
    labels.forEach((label, c) => { label.textContent = answerLabel(question.choices[c], c); });
  }
}

function mediaGroup(question, index) {
  const path = `questions[${index}].media`;
  const upload = el("input", { type: "file", accept: "audio/*,image/*", onchange: (event) => uploadMedia(event.target, question, index) });
  const parts = [field(`${path}.sha256`, t("上传音频或图片", "Upload audio or a picture", "上傳音頻或圖片"), upload)];
  if (question.media) {
    const media = question.media;
    parts.push(
      el("p", { class: "hint" }, `${media.kind === "audio" ? t("音频", "Audio", "音頻") : t("图片", "Picture", "圖片")}: ${media.path} (${(media.sha256 || "").slice(0, 12)}…)`),
      field(`${path}.path`, t("文件名", "File name", "文件名"), (() => {
        const control = el("input", { oninput: (event) => { media.path = event.target.value; changed(); } });
        control.value = media.path;
        return control;
      })()),
      localized(`${path}.alt`, t("替代文字（读屏软件读出）", "Alt text (read out by screen readers)", "替代文字（讀屏軟件讀出）"), media.alt),
      el("button", { type: "button", class: "link", onclick: () => { delete question.media; rerenderQuestion(index); changed(); } }, t("移除媒体", "Remove the media", "移除媒體")),
    );
  }
  return group(path, t("媒体", "Media", "媒體"), ...parts);
}

async function uploadMedia(control, question, index) {
  const file = control.files[0];
  if (!file) return;
  say(t("正在上传…", "Uploading…", "正在上傳…"));
  const result = await api("POST", "/media", file);
  if (!result.ok) {
    say(errorMessage(result), true);
    showErrors(sectionOf(index), { [`questions[${index}].media.sha256`]: uploadProblems(result) });
    return;
  }
  const safeName = file.name.replace(/[\\/]+/g, "_").replace(/^\.+/, "") || "media";
  question.media = {
    kind: result.data.mime.startsWith("audio/") ? "audio" : "image",
    path: `media/${safeName}`,
    alt: question.media?.alt || {},
    sha256: result.data.sha256,
  };
  say(t("已上传。请填写替代文字。", "Uploaded. Please add alt text.", "已上傳。請填寫替代文字。"));
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

/** Problems the browser can see at once, in the server's words; the server's check
 * (moments later) has them all. */
function quickProblems() {
  const found = {};
  const add = (path, message) => (found[path] ||= []).push(message);
  const seen = new Set();
  doc.questions.forEach((q, i) => {
    const base = `questions[${i}]`;
    if (!KEY.test(q.key || "")) add(`${base}.key`, "must be 1 to 64 lowercase letters, digits, '.', '_' or '-', starting alphanumeric");
    else if (seen.has(q.key)) add(`${base}.key`, `duplicate question key '${q.key}'`);
    seen.add(q.key);
    if (!q.prompt[doc.default_locale]?.trim()) add(`${base}.prompt`, `missing the default locale '${doc.default_locale}'`);
    if (CHOICE_TYPES.has(q.type) && q.choices.length < 2) add(`${base}.choices`, "needs at least 2 choices");
    if (!q.answer.length) {
      add(`${base}.answer`, { single: "must name exactly one choice", multiple: "must name at least one choice", text: "needs at least one accepted answer" }[q.type]
        || "must list every choice key once, in order");
    }
    if (!(q.source || "").trim()) add(`${base}.source`, "must say where the fact can be checked");
  });
  return found;
}

function display(found, fromServer) {
  problems = found;
  problemsFromServer = fromServer;
  showProblems();
}

function questionIndex(path) {
  const found = path.match(/^questions\[(\d+)\]/);
  return found ? Number(found[1]) : null;
}

/** A quiet (new) question's problem is shown once a field at or under its path was left. */
function shownYet(path) {
  const index = questionIndex(path);
  if (index === null || !quiet.has(doc.questions[index])) return true;
  const within = (inner, outer) => inner === outer || inner.startsWith(`${outer}.`) || inner.startsWith(`${outer}[`);
  return [...visited].some((left) => within(left, path) || within(path, left));
}

/** The problems at their fields (those on this page), in a linked summary, and as a count. */
function showProblems() {
  clearErrors(form);
  const entries = Object.entries(problems)
    .filter(([path]) => shownYet(path))
    .map(([path, messages]) => [path, [].concat(messages).map(problemText)]);
  showErrors(form, Object.fromEntries(entries));
  for (const section of questionsBox.querySelectorAll(":scope > [data-index]")) {
    section.classList.toggle("has-problems", hasProblems(Number(section.dataset.index)));
  }
  const keyOf = (index) => doc.questions[index]?.key || "?";
  document.getElementById("summary").hidden = !entries.length;
  document.getElementById("summary-list").replaceChildren(...entries.map(([path, messages]) => el("li", {},
    el("a", { href: "#", onclick: (event) => { event.preventDefault(); goTo(path); } },
      `${describePath(path, keyOf)}${t("：", ": ", "：")}${messages.join(t("；", "; ", "；"))}`))));
  const count = Object.keys(problems).length;
  const state = document.getElementById("save-state");
  if (!count) return;
  state.textContent = !entries.length
    ? t("新题目还没有填完，草稿暂未保存。", "The new question is not finished yet; the draft is not saved.", "新題目還沒有填完，草稿暫未保存。")
    : problemsFromServer
      ? t(`服务器发现 ${count} 处问题，草稿未保存。`, `The server found ${count} problem(s); the draft was not saved.`, `服務器發現 ${count} 處問題，草稿未保存。`)
      : t(`有 ${count} 处问题。`, `${count} problem(s).`, `有 ${count} 處問題。`);
  state.className = entries.length ? "save-state bad" : "save-state";
}

/** Show the field at `path`: its question's page and form, the filters cleared if they hide it. */
function goTo(path) {
  const index = questionIndex(path);
  if (index !== null) {
    if (!found().includes(index)) {
      filters.text.value = filters.tag.value = filters.type.value = "";
      filters.problems.checked = false;
    }
    page = Math.floor(found().indexOf(index) / PAGE_SIZE);
    opened.add(doc.questions[index]);
    current = index;
    renderQuestions();
  }
  let at = path;
  while (at) {
    const control = form.querySelector(`[data-path="${CSS.escape(at)}"] :is(input, textarea, select)`);
    if (control) return control.focus();
    const cut = Math.max(at.lastIndexOf("."), at.lastIndexOf("["));
    at = cut > 0 ? at.slice(0, cut) : "";
  }
  sectionOf(index)?.querySelector("button, input")?.focus();
}

/** Something was edited: quick checks now, the server's check shortly. */
function changed() {
  display(quickProblems(), false);
  renderPreview();
  clearTimeout(timer);
  timer = setTimeout(check, CHECK_DELAY_MS);
}

/** "Save now": the server's check, with every problem shown, new questions' too. */
function checkAll() {
  for (const question of doc.questions) quiet.delete(question);
  check();
}

async function check() {
  clearTimeout(timer);
  const mine = ++sent;
  const state = document.getElementById("save-state");
  state.textContent = t("正在检查…", "Checking…", "正在檢查…");
  state.className = "save-state";
  const result = await api("PUT", `/banks/${SLUG}/draft`, document_());
  if (mine !== sent) return;
  if (result.ok) {
    display({}, true);
    state.textContent = t(`草稿已保存（${result.data.draft_questions} 题）。`, `Draft saved (${result.data.draft_questions} questions).`, `草稿已保存（${result.data.draft_questions} 題）。`);
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
  "answer-position": t("答案位置分布不均", "Keys uneven across positions", "答案位置分佈不均"),
  "true-false-balance": t("判断题对错不均衡", "True/false unbalanced", "判斷題對錯不均衡"),
  "multiple-same-count": t("多选题正确项数目总相同", "Multiple-select: always the same count", "多選題正確項數目總相同"),
  "multiple-always-in": t("多选题某一项总是正确", "Multiple-select: one option always in", "多選題某一項總是正確"),
  "longest-option": t("最长选项常是答案", "The longest option is often the key", "最長選項常是答案"),
  "answer-in-prompt": t("题干泄露答案", "The prompt gives the answer away", "題幹泄露答案"),
  "near-duplicate": t("题目近似重复", "Near-duplicate items", "題目近似重複"),
  "enemy-candidate": t("泄露另一题的答案", "Reveals another item's answer", "泄露另一題的答案"),
  "enemy-candidate-option": t("选项含另一题的答案", "Options hold another item's answer", "選項含另一題的答案"),
  "enemy-group-alone": t("互斥组只有一题", "Enemy group of one", "互斥組只有一題"),
  "missing-locale": t("缺少语言版本", "Missing locale", "缺少語言版本"),
  "unpinned": t("未注明法规版本或年份", "Law or date not pinned", "未註明法規版本或年份"),
  "long-prompt": t("题干过长（手机）", "Prompt too long for a phone", "題幹過長（手機）"),
  "long-option": t("选项过长（手机）", "Option too long for a phone", "選項過長（手機）"),
};
const SEVERITY_NAMES = { error: t("错误", "Error", "錯誤"), warning: t("警告", "Warning", "警告"), info: t("提示", "Note", "提示") };

async function lint(mine) {
  const result = await api("GET", `/banks/${SLUG}/lint`);
  if (mine !== sent || !result.ok) return;
  const box = document.getElementById("lint");
  const findings = result.data.findings;
  box.hidden = !findings.length;
  const details = document.getElementById("lint-details");
  if (!details.dataset.sized) details.open = findings.length <= LINT_OPEN_UP_TO; // then the author's choice
  details.dataset.sized = "yes";
  document.getElementById("lint-count").textContent = t(`${findings.length} 条`, `${findings.length} note(s)`, `${findings.length} 條`);
  const indexOf = new Map(doc.questions.map((q, i) => [q.key, i]));
  document.getElementById("lint-list").replaceChildren(...findings.map((finding) => el("li", {},
    el("span", { class: `severity ${finding.severity}` }, SEVERITY_NAMES[finding.severity]),
    finding.question && indexOf.has(finding.question)
      ? el("a", { href: "#", onclick: (event) => { event.preventDefault(); goTo(`questions[${indexOf.get(finding.question)}]`); } }, el("code", {}, finding.question))
      : null,
    ` ${RULE_NAMES[finding.rule] || finding.rule}: ${finding.message}`,
  )));
  showConversions(findings);
}

/** Where zh-Hant is missing, show what readers get instead (the OpenCC conversion),
 * marked as converted, in the empty zh-Hant box. */
function showConversions(findings) {
  for (const marker of form.querySelectorAll(".converted")) marker.remove();
  conversions = Object.assign({}, ...findings.map((finding) => finding.suggestions || {}));
  renderPreview();
  for (const finding of findings) {
    for (const [path, text] of Object.entries(finding.suggestions || {})) {
      const box = form.querySelector(`[data-path="${CSS.escape(path)}"]`);
      const control = box?.querySelector("input, textarea");
      if (!control || control.value) continue;
      control.placeholder = text;
      box.querySelector("label")?.append(el("span", { class: "converted" }, t("（自动转换，未经作者审定）", "(converted automatically, not reviewed)", "（自動轉換，未經作者審定）")));
    }
  }
}

// --- preview ---------------------------------------------------------------------------

function renderPreview() {
  const box = document.getElementById("preview");
  const locale = document.getElementById("preview-locale").value;
  const question = doc.questions[current];
  if (!question) {
    box.replaceChildren(el("p", { class: "hint" }, t("还没有题目。", "No questions yet.", "還沒有題目。")));
    return;
  }
  // What a reader of this locale gets: the author's text, else (zh-Hant) the conversion
  // the round serves, else the default locale's text.
  const where = `questions[${current}]`;
  let converted = false;
  const read = (text, path) => {
    const conversion = text && !text[locale] ? conversions[`${where}.${path}.${locale}`] : undefined;
    converted ||= conversion !== undefined;
    return conversion ?? pick(text, locale);
  };
  const prompt = read(question.prompt, "prompt");
  const alt = read(question.media?.alt, "media.alt");
  const answers = question.type === "true_false"
    ? [[true, t("对", "True", "對")], [false, t("错", "False", "錯")]]
    : (question.choices || []).map((c, i) => [c.key, read(c.text, `choices[${i}].text`)]);
  const explanation = question.explanation?.[locale] || conversions[`${where}.explanation.${locale}`]
    ? read(question.explanation, "explanation")
    : null;
  const missing = (text) => text && !text[locale] && Object.keys(text).length;
  const note = converted
    ? el("p", { class: "hint warn" }, t(`此题缺少 ${locale} 文本的地方，选手将看到下面自动转换的文本（未经作者审定）。`, `Where this question has no ${locale} text, contestants get the automatic conversion shown below (not reviewed).`, `此題缺少 ${locale} 文本的地方，選手將看到下面自動轉換的文本（未經作者審定）。`))
    : missing(question.prompt)
      ? el("p", { class: "hint warn" }, t(`此题没有 ${locale} 文本，选手将看到默认语言。`, `No ${locale} text: contestants will see the default locale.`, `此題沒有 ${locale} 文本，選手將看到默認語言。`))
      : null;
  const media = question.media?.sha256
    ? (question.media.kind === "audio"
      ? el("audio", { controls: true, src: `/media/${question.media.sha256}`, "aria-label": alt })
      : el("img", { src: `/media/${question.media.sha256}`, alt }))
    : null;
  box.replaceChildren(...[
    el("p", { class: "hint" }, `${current + 1} / ${doc.questions.length} · ${typeName(question.type)}`),
    note,
    el("p", { class: "prompt", lang: locale }, prompt),
    media,
    question.type === "text"
      ? el("p", {}, `${t("可接受", "Accepted", "可接受")}: ${question.answer.join(" / ")}`)
      : el("ol", { class: "options", lang: locale }, answers.map(([key, text], c) => el("li", {
        class: question.answer.includes(key) ? "right" : "",
      }, el("span", { class: "shape", "aria-hidden": "true" }, SHAPES[c % SHAPES.length]), ` ${text} `,
      question.answer.includes(key) ? el("strong", {}, question.type === "order" ? `#${question.answer.indexOf(key) + 1}` : t("✓ 正确", "✓ right", "✓ 正確")) : null))),
    explanation ? el("p", { class: "explanation", lang: locale }, explanation) : null,
  ].filter(Boolean));
}

// --- start -----------------------------------------------------------------------------

function addQuestion() {
  const used = new Set(doc.questions.map((q) => q.key));
  let n = doc.questions.length + 1;
  while (used.has(`q${n}`)) n += 1;
  const question = { key: `q${n}`, type: "single", prompt: {}, choices: [{ key: "a", text: {} }, { key: "b", text: {} }], answer: [], difficulty: 3, tags: [], time_limit_s: null, source: "" };
  doc.questions.push(question);
  quiet.add(question);
  opened.add(question);
  current = doc.questions.length - 1;
  filters.text.value = filters.tag.value = filters.type.value = "";
  filters.problems.checked = false;
  page = Math.floor(current / PAGE_SIZE);
  renderQuestions();
  changed();
  sectionOf(current).querySelector("textarea").focus();
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
  for (const [id, action] of [["add-question", addQuestion], ["save-now", checkAll]]) {
    const button = document.getElementById(id);
    button.addEventListener("click", action);
    button.disabled = false;
  }
  form.addEventListener("submit", (event) => { event.preventDefault(); checkAll(); });
  for (const control of Object.values(filters)) {
    control.addEventListener(control.type === "search" ? "input" : "change", () => { page = 0; renderQuestions(); });
  }
  filters.type.append(...TYPES.map((type) => el("option", { value: type }, typeName(type))));
  renderAll();
  say(t(`已载入草稿（${doc.questions.length} 题）。`, `Draft loaded (${doc.questions.length} questions).`, `已載入草稿（${doc.questions.length} 題）。`));
}

if (requireLogin()) start();
