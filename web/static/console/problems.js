// The server's words on a draft (engine/domain/banks.py), in the console's language, and
// where they are: "questions[3].choices[1].text.zh-Hans" reads "第 4 题（q4）· 选项 2 · 简体中文".
// English pages show the server's own words. A message not listed here is shown as sent.
import { localeName, t } from "./common.js";

/** [the server's message, its zh-Hans and zh-Hant forms with $1 from the pattern, and
 * whether $1 is a locale (then named)]. */
const MESSAGES = [
  [/^must say where the fact can be checked$/, "请写明可查证的出处", "請寫明可查證的出處"],
  [/^must name exactly one choice$/, "请选出唯一的正确选项", "請選出唯一的正確選項"],
  [/^must name at least one choice$/, "请至少选出一个正确选项", "請至少選出一個正確選項"],
  [/^must list every choice key once, in order$/, "须按正确顺序把每个选项标识各列一次", "須按正確順序把每個選項標識各列一次"],
  [/^needs at least 2 choices$/, "至少需要 2 个选项", "至少需要 2 個選項"],
  [/^a (\w+) question has none$/, "此题型需要选项", "此題型需要選項"],
  [/^needs at least one accepted answer$/, "至少需要一个可接受的答案", "至少需要一個可接受的答案"],
  [/^must be exactly one of true or false$/, "请选“对”或“错”", "請選「對」或「錯」"],
  [/^missing the default locale '(.+)'$/, "缺少默认语言（$1）的文字", "缺少默認語言（$1）的文字", true],
  [/^unknown locale '(.+)'$/, "未知的语言 $1", "未知的語言 $1", true],
  [/^must not be empty$/, "不能为空", "不能為空"],
  [/^must be at most (\d+) characters$/, "最多 $1 个字", "最多 $1 個字"],
  [/^duplicate question key '(.+)'$/, "题目标识 $1 重复", "題目標識 $1 重複"],
  [/^duplicate choice key '(.+)'$/, "选项标识 $1 重复", "選項標識 $1 重複"],
  [/^duplicate tag '(.+)'$/, "标签 $1 重复", "標籤 $1 重複"],
  [/^duplicate enemy group '(.+)'$/, "互斥组 $1 重复", "互斥組 $1 重複"],
  [/^must be 1 to 64 lowercase letters, digits, '\.', '_' or '-', starting alphanumeric$/,
    "须为 1–64 个小写字母、数字、. _ -，以字母或数字开头", "須為 1–64 個小寫字母、數字、. _ -，以字母或數字開頭"],
  [/^must be 1 to 32 lowercase letters, digits or hyphens$/, "须为 1–32 个小写字母、数字或连字符", "須為 1–32 個小寫字母、數字或連字符"],
  [/^must be 2 to 64 lowercase letters, digits or inner hyphens$/, "须为 2–64 个小写字母、数字或中间的连字符", "須為 2–64 個小寫字母、數字或中間的連字符"],
  [/^must be one of (.+)$/, "须为以下之一：$1", "須為以下之一：$1"],
  [/^no choice has the key '(.+)'$/, "没有标识为 $1 的选项", "沒有標識為 $1 的選項"],
  [/^'(.+)' is repeated$/, "$1 重复了", "$1 重複了"],
  [/^must be a string$/, "须为文字", "須為文字"],
  [/^must be a whole number from 1 to 5$/, "须为 1 到 5 的整数", "須為 1 到 5 的整數"],
  [/^must be from 5 to 600 seconds$/, "须为 5 到 600 秒", "須為 5 到 600 秒"],
  [/^only text questions have normalisers$/, "只有填空题可以设置归一化", "只有填空題可以設置歸一化"],
  [/^must be a relative path inside the bank folder, without '\.\.'$/, "须为题库文件夹内的相对路径，不能含 ..", "須為題庫文件夾內的相對路徑，不能含 .."],
  [/^alt text is required$/, "请填写替代文字", "請填寫替代文字"],
  [/^must be 64 lowercase hex digits$/, "须为 64 位小写十六进制数字", "須為 64 位小寫十六進制數字"],
];

export function problemText(message) {
  const lang = document.documentElement.lang;
  if (lang === "en") return message;
  for (const [pattern, hans, hant, isLocale] of MESSAGES) {
    const found = message.match(pattern);
    if (found) return (lang === "zh-Hant" ? hant : hans).replace("$1", isLocale ? localeName(found[1]) : found[1]);
  }
  return message;
}

function fieldName(name) {
  return {
    key: t("题目标识", "key", "題目標識"),
    type: t("题型", "type", "題型"),
    prompt: t("题干", "prompt", "題幹"),
    choices: t("选项", "choices", "選項"),
    answer: t("正确答案", "answer", "正確答案"),
    difficulty: t("难度", "difficulty", "難度"),
    tags: t("标签", "tags", "標籤"),
    enemies: t("互斥组", "enemy groups", "互斥組"),
    time_limit_s: t("限时", "time limit", "限時"),
    media: t("媒体", "media", "媒體"),
    explanation: t("解析", "explanation", "解析"),
    source: t("出处", "source", "出處"),
    normalise: t("归一化", "normalisers", "歸一化"),
    text: t("文字", "text", "文字"),
    alt: t("替代文字", "alt text", "替代文字"),
    path: t("文件名", "file name", "文件名"),
    sha256: t("文件", "file", "文件"),
    title: t("题库名称", "bank title", "題庫名稱"),
    slug: t("标识", "slug", "標識"),
    default_locale: t("默认语言", "default locale", "默認語言"),
  }[name] || localeName(name);
}

/** Where `path` is, in words; `keyOf(index)` names a question by its key. */
export function describePath(path, keyOf) {
  const parts = [];
  let previous = "";
  for (const [, name, index] of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
    if (index === undefined) {
      parts.push(fieldName(name));
      previous = name;
    } else if (previous === "questions") {
      const n = Number(index);
      parts[parts.length - 1] = t(`第 ${n + 1} 题（${keyOf(n)}）`, `question ${n + 1} (${keyOf(n)})`, `第 ${n + 1} 題（${keyOf(n)}）`);
    } else if (previous === "choices") {
      parts[parts.length - 1] = t(`选项 ${Number(index) + 1}`, `choice ${Number(index) + 1}`, `選項 ${Number(index) + 1}`);
    } else {
      parts.push(t(`第 ${Number(index) + 1} 项`, `item ${Number(index) + 1}`, `第 ${Number(index) + 1} 項`));
    }
  }
  return parts.join(" · ");
}
