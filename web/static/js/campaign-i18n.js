// The campaign registration page's strings in zh-Hans (the default), zh-Hant and English,
// in the locale i18n.js chose, and the server's field problems in the contestant's
// language. Kept apart from i18n.js, which holds the contest pages' strings.

import { locale } from "./i18n.js";

const STRINGS = {
  "zh-Hans": {
    not_found: "找不到这个活动。",
    rules: "活动规则",
    form_title: "报名",
    closes: "报名截止：{time}（北京时间）",
    nickname: "昵称",
    name: "姓名",
    phone: "手机号",
    place: "地区",
    district: "区县",
    unit: "单位",
    school: "学校",
    grade: "年级",
    member_id: "名单编号",
    id_number: "身份证号",
    id_number_note: "身份证号只用于核验，不保存原文。",
    required: "必填",
    optional: "选填",
    choose: "请选择",
    any_district: "不选区县",
    submit: "报名",
    registering: "正在报名…",
    fix_fields: "请按提示修改后再提交。",
    failed: "报名失败，请稍后再试。",
    offline: "无法连接服务器，请检查网络。",
    too_many: "报名尝试过于频繁，请稍后再试。",
    closed: "活动已结束报名。",
    done_title: "报名成功",
    you_are: "报名昵称：{nickname}",
    token_kept: "本机已保存报名凭证，用它开始答题。",
    start: "开始答题：{title}",
    practice: "练习：{title}",
    starting: "正在进入…",
    register_another: "换一个人报名",
  },
  "zh-Hant": {
    not_found: "找不到這個活動。",
    rules: "活動規則",
    form_title: "報名",
    closes: "報名截止：{time}（北京時間）",
    nickname: "暱稱",
    name: "姓名",
    phone: "手機號",
    place: "地區",
    district: "區縣",
    unit: "單位",
    school: "學校",
    grade: "年級",
    member_id: "名單編號",
    id_number: "身份證號",
    id_number_note: "身份證號只用於核驗，不保存原文。",
    required: "必填",
    optional: "選填",
    choose: "請選擇",
    any_district: "不選區縣",
    submit: "報名",
    registering: "正在報名…",
    fix_fields: "請按提示修改後再提交。",
    failed: "報名失敗，請稍後再試。",
    offline: "無法連接服務器，請檢查網絡。",
    too_many: "報名嘗試過於頻繁，請稍後再試。",
    closed: "活動已結束報名。",
    done_title: "報名成功",
    you_are: "報名暱稱：{nickname}",
    token_kept: "本機已保存報名憑證，用它開始答題。",
    start: "開始答題：{title}",
    practice: "練習：{title}",
    starting: "正在進入…",
    register_another: "換一個人報名",
  },
  en: {
    not_found: "There is no such campaign.",
    rules: "Rules",
    form_title: "Register",
    closes: "Registration closes {time} (Beijing time)",
    nickname: "Nickname",
    name: "Name",
    phone: "Mobile number",
    place: "City",
    district: "District",
    unit: "Unit",
    school: "School",
    grade: "Grade",
    member_id: "Member number",
    id_number: "ID number",
    id_number_note: "Your ID number is only checked, never kept as written.",
    required: "required",
    optional: "optional",
    choose: "Choose",
    any_district: "No district",
    submit: "Register",
    registering: "Registering…",
    fix_fields: "Please correct the fields marked and send again.",
    failed: "Registration failed; please try again later.",
    offline: "Cannot reach the server; check the connection.",
    too_many: "Too many tries just now; please try again shortly.",
    closed: "Registration has closed.",
    done_title: "You are registered",
    you_are: "Registered as {nickname}",
    token_kept: "This phone keeps your registration: it starts your attempts.",
    start: "Start: {title}",
    practice: "Practise: {title}",
    starting: "Entering…",
    register_another: "Register someone else",
  },
};

/**
 * The server's field problems (docs/campaigns.md, engine/services/campaigns.py and the
 * nickname and ID number checks it applies): each English message, or a pattern of one,
 * with its zh-Hans and zh-Hant forms. A message not listed shows as the server wrote it.
 */
const PROBLEMS = [
  ["required", "必填", "必填"],
  ["not asked by this campaign", "本活动不收集此项", "本活動不收集此項"],
  ["must be text", "须为文字", "須為文字"],
  [/^at most (\d+) characters$/, "最多 $1 个字", "最多 $1 個字"],
  ["an 11-digit mobile number, 13... to 19...", "请填写 11 位手机号码（13 至 19 开头）", "請填寫 11 位手機號碼（13 至 19 開頭）"],
  ["an unknown place", "没有这个地区", "沒有這個地區"],
  ["names several places", "地区名称有歧义，请选择区县", "地區名稱有歧義，請選擇區縣"],
  ["not in the place given", "该单位不在所选地区", "該單位不在所選地區"],
  ["an unknown unit", "没有这个单位", "沒有這個單位"],
  ["names several units: give its code", "有多个同名单位，请选择带编码的一项", "有多個同名單位，請選擇帶編碼的一項"],
  ["no member of the list has this id and name", "名单上没有这个编号与姓名", "名單上沒有這個編號與姓名"],
  ["registered already", "已经报过名了", "已經報過名了"],
  ["closed", "活动已结束报名", "活動已結束報名"],
  ["a nickname is text", "昵称须为文字", "暱稱須為文字"],
  ["a nickname cannot be empty", "昵称不能为空", "暱稱不能為空"],
  [/^a nickname has at most (\d+) characters$/, "昵称最多 $1 个字", "暱稱最多 $1 個字"],
  ["a nickname cannot contain control characters", "昵称不能含控制字符", "暱稱不能含控制字符"],
  ["a nickname needs a visible character", "昵称须有可见的字", "暱稱須有可見的字"],
  ["that nickname is not allowed; choose another", "这个昵称不能用，请换一个", "這個暱稱不能用，請換一個"],
  ["a 15-digit number is a first-generation card's, no longer valid: give the 18-character number", "15 位号码是第一代身份证的，已停用：请填写 18 位号码", "15 位號碼是第一代身份證的，已停用：請填寫 18 位號碼"],
  [/^an ID number has (\d+) characters, not (\d+)$/, "身份证号应为 $1 位，现为 $2 位", "身份證號應為 $1 位，現為 $2 位"],
  ["an ID number is 17 digits and a digit or X", "身份证号为 17 位数字加一位数字或 X", "身份證號為 17 位數字加一位數字或 X"],
  [/^(\d+) begins no province's numbers$/, "$1 不是任何省份的号码开头", "$1 不是任何省份的號碼開頭"],
  ["the check character does not match: a character is mistyped", "校验码不符：有一位填错了", "校驗碼不符：有一位填錯了"],
  [/^(\d+) is no date of birth$/, "$1 不是有效的出生日期", "$1 不是有效的出生日期"],
  [/^the date of birth (\S+) is in the future$/, "出生日期 $1 在将来", "出生日期 $1 在將來"],
  [/^the date of birth (\S+) is before 1900$/, "出生日期 $1 早于 1900 年", "出生日期 $1 早於 1900 年"],
];

/** The page string ``key`` in the chosen locale, with {name} placeholders filled. */
export function ct(key, vars = {}) {
  const text = STRINGS[locale()]?.[key] ?? STRINGS["zh-Hans"][key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(vars[name] ?? ""));
}

/** A server problem message in the chosen locale. */
export function problem(message) {
  const at = { "zh-Hans": 1, "zh-Hant": 2 }[locale()];
  if (!at) return message;
  for (const entry of PROBLEMS) {
    const [english] = entry;
    if (typeof english === "string" ? english === message : english.test(message)) {
      return typeof english === "string" ? entry[at] : message.replace(english, entry[at]);
    }
  }
  return message;
}

/** Translate every [data-ci18n] element under ``root``. */
export function applyCampaign(root = document) {
  for (const element of root.querySelectorAll("[data-ci18n]")) {
    element.textContent = ct(element.dataset.ci18n);
  }
}

