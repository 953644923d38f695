// The login form, and once logged in the console's home.
import { api, clearErrors, requireLogin, saveLogin, showErrors, t, token } from "./common.js";

const next = new URLSearchParams(location.search).get("next");

function showHome() {
  requireLogin();
  document.getElementById("home").hidden = false;
  const form = document.getElementById("open-round");
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const id = Number(document.getElementById("round-id").value);
    if (!id) return;
    const results = event.submitter?.dataset.go === "results" ? "/results" : "";
    location.assign(`/console/rounds/${id}${results}`);
  });
}

function showLogin() {
  const section = document.getElementById("login");
  section.hidden = false;
  const form = document.getElementById("login-form");
  const formError = document.getElementById("form-error");
  document.getElementById("username").focus();
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    formError.textContent = "";
    const body = { username: form.username.value.trim(), password: form.password.value };
    const missing = {};
    if (!body.username) missing.username = [t("请输入用户名", "Enter your username")];
    if (!body.password) missing.password = [t("请输入密码", "Enter your password")];
    if (Object.keys(missing).length) {
      showErrors(form, missing);
      form.querySelector("[aria-invalid]").focus();
      return;
    }
    const result = await api("POST", "/auth/token", body);
    if (!result.ok) {
      showErrors(form, result.data?.error?.fields);
      formError.textContent = result.status === 401
        ? t("用户名或密码不对。", "Wrong username or password.")
        : result.data?.error?.message || t("登录失败。", "Login failed.");
      return;
    }
    saveLogin(result.data);
    // Only a path on this site, never another origin.
    location.assign(next && next.startsWith("/") && !next.startsWith("//") ? next : "/console/banks");
  });
}

if (token()) showHome();
else showLogin();
