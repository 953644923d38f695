// The list of banks and the form that creates one.
import { api, clearErrors, el, errorMessage, pick, requireLogin, say, showErrors, t } from "./common.js";

const SLUG = /^[a-z0-9][a-z0-9-]{0,62}[a-z0-9]$/;

async function load() {
  const result = await api("GET", "/banks");
  const body = document.getElementById("banks");
  body.replaceChildren();
  if (!result.ok) {
    say(errorMessage(result), true);
    return;
  }
  if (!result.data.length) {
    body.append(el("tr", {}, el("td", { colspan: "5" }, t("还没有题库。", "No banks yet.", "還沒有題庫。"))));
  }
  for (const bank of result.data) {
    const title = pick(bank.title, document.documentElement.lang);
    body.append(
      el("tr", {},
        el("td", {}, el("code", {}, bank.slug)),
        el("td", {}, title),
        el("td", {}, String(bank.draft_questions)),
        el("td", {}, bank.latest_version ? `v${bank.latest_version}` : t("未发布", "unpublished", "未發佈")),
        el("td", { class: "actions" },
          el("a", { href: `/console/banks/${bank.slug}` }, t("编辑草稿", "Edit draft", "編輯草稿")),
          el("a", { href: `/console/banks/${bank.slug}/versions` }, t("版本与发布", "Versions and publish", "版本與發佈")),
        ),
      ),
    );
  }
}

function setUpForm() {
  const form = document.getElementById("new-bank");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    const slug = form.slug.value.trim();
    const title = form.title.value.trim();
    const locale = form.default_locale.value;
    const problems = {};
    if (!SLUG.test(slug)) problems.slug = [t("2 到 64 个小写字母、数字或中间的连字符", "2 to 64 lowercase letters, digits or inner hyphens", "2 到 64 個小寫字母、數字或中間的連字符")];
    if (!title) problems.title = [t("请填写名称", "Give the bank a title", "請填寫名稱")];
    if (Object.keys(problems).length) {
      showErrors(form, problems);
      form.querySelector("[aria-invalid]").focus();
      return;
    }
    const result = await api("POST", "/banks", { slug, title: { [locale]: title }, default_locale: locale });
    if (!result.ok) {
      const fields = result.data?.error?.fields || {};
      if (result.status === 409) fields.slug = [errorMessage(result)];
      showErrors(form, fields);
      say(errorMessage(result), true);
      return;
    }
    location.assign(`/console/banks/${result.data.slug}`);
  });
}

/** Upload a bank file; a refused file lists every problem by file:row or file:line. */
function setUpImport() {
  const form = document.getElementById("import-bank");
  const problems = document.getElementById("import-problems");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    problems.replaceChildren();
    const file = form.file.files[0];
    if (!file) {
      showErrors(form, { file: [t("请选择文件", "Choose a file", "請選擇文件")] });
      form.file.focus();
      return;
    }
    const data = new FormData();
    data.append("file", file);
    for (const name of ["format", "slug", "title", "source"]) {
      if (form[name].value.trim()) data.append(name, form[name].value.trim());
    }
    const result = await api("POST", "/banks/import", data);
    if (!result.ok) {
      // Keys are "file:line" (or a form field): listed as they are, line numbers kept.
      for (const [where, messages] of Object.entries(result.data?.error?.fields || {})) {
        for (const message of [].concat(messages)) problems.append(el("li", {}, `${where}: ${message}`));
      }
      say(errorMessage(result), true);
      return;
    }
    const { slug, version, status } = result.data;
    const done = {
      created: t(`已创建题库 ${slug}，版本 ${version}。`, `Created ${slug}, version ${version}.`, `已創建題庫 ${slug}，版本 ${version}。`),
      "new version": t(`${slug} 已发布新版本 ${version}。`, `${slug}: new version ${version}.`, `${slug} 已發佈新版本 ${version}。`),
      unchanged: t(`${slug} 内容未变（版本 ${version}）。`, `${slug} is unchanged (version ${version}).`, `${slug} 內容未變（版本 ${version}）。`),
    }[status];
    say(done);
    form.reset();
    load();
  });
}

if (requireLogin()) {
  setUpForm();
  setUpImport();
  load();
}
