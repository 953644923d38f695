// The server's refusals in the console's language. The server words them in English and
// names them by `code`, by a `reason` where one code covers several situations, and a
// bad field by its path; the console looks the code and reason up here (as the phone
// page does), words a field's problem from the patterns below, and shows the server's
// own message only for a refusal it does not know. No import from common.js, which
// imports this: a cycle would run these tables before `t` exists.

const lang = () => document.documentElement.lang;
const say = ([zh, en, hant]) => (lang() === "en" ? en : lang() === "zh-Hant" ? hant : zh);

/** A refusal by "code:reason" (the more precise), else by code. */
const REFUSALS = {
  // Certificates (engine/services/certificates.py).
  "not_found:no_plan": ["这一场还没有证书方案。", "The round has no certificate plan yet.", "這一場還沒有證書方案。"],
  "conflict:not_finished": ["比赛结束后才能进行这一步：请先结束这一场。", "This can be done once the round has finished: finish it first.", "比賽結束後才能進行這一步：請先結束這一場。"],
  "conflict:issued_concurrently": ["另一位组织者正在同时颁发证书，请再颁发一次。", "Certificates were being issued at the same time: issue again.", "另一位組織者正在同時頒發證書，請再頒發一次。"],
  // Lucky draws (engine/services/lucky_draws.py).
  "conflict:drawn_already": ["这次抽奖已经开奖，不能再开。", "This draw has been run already.", "這次抽獎已經開獎，不能再開。"],
  "conflict:not_drawn": ["还没有开奖：开奖前奖池不变，也没有中奖者。", "The draw has not run yet: until then the pool is fixed and there are no winners.", "還沒有開獎：開獎前獎池不變，也沒有中獎者。"],
  "conflict:disqualified_already": ["此人已被取消资格。", "That member has been disqualified already.", "此人已被取消資格。"],
  "conflict:no_stages": ["活动还没有阶段。", "The campaign has no stage yet.", "活動還沒有階段。"],
  "conflict:rounds_not_finished": ["所选阶段的场次全部结束后，才能在证书持有人中抽奖。", "Certificate holders are drawn among once every round of the stage has finished.", "所選階段的場次全部結束後，才能在證書持有人中抽獎。"],
  "conflict:no_advancement": ["该阶段没有晋级规则，没有晋级者。", "The stage has no advancement rule, so no qualifiers.", "該階段沒有晉級規則，沒有晉級者。"],
  "conflict:no_qualifiers": ["请先确认该阶段的晋级名单，再在晋级者中抽奖。", "Confirm the stage's qualifiers before drawing among them.", "請先確認該階段的晉級名單，再在晉級者中抽獎。"],
  // A round's host controls (engine/domain/rounds.py).
  already_finished: ["比赛已经结束。", "The round has finished.", "比賽已經結束。"],
  round_paused: ["比赛已暂停。", "The round is paused.", "比賽已暫停。"],
  round_not_open: ["比赛还没有开始。", "The round has not started.", "比賽還沒有開始。"],
  question_still_open: ["本题仍在作答中。", "The question is still open.", "本題仍在作答中。"],
  question_closed: ["本题已经截止。", "The question is already closed.", "本題已經截止。"],
  already_revealed: ["答案已经公布。", "The answers are already revealed.", "答案已經公佈。"],
  already_started: ["比赛已经开始。", "The round has already started.", "比賽已經開始。"],
  already_paused: ["比赛已经暂停。", "The round is already paused.", "比賽已經暫停。"],
  not_paused: ["比赛没有暂停。", "The round is not paused.", "比賽沒有暫停。"],
  no_more_questions: ["这已是最后一题。", "That was the last question.", "這已是最後一題。"],
  question_skipped: ["本题已跳过。", "The question was skipped.", "本題已跳過。"],
  round_decided: ["场上最多只剩一名选手。", "At most one contestant is standing.", "場上最多只剩一名選手。"],
  not_an_elimination_round: ["只有淘汰赛记录选手的去留。", "Only elimination rounds track contestants.", "只有淘汰賽記錄選手的去留。"],
  not_live: ["自主答题没有主持控制。", "A self-paced round has no host controls.", "自主答題沒有主持控制。"],
  window_open: ["答题窗口仍开放，选手还可以作答。", "Questions of the window may still be answered.", "答題窗口仍開放，選手還可以作答。"],
  // Any request.
  invalid: ["有些内容不符合要求，见各栏提示。", "Some fields are not valid: see the notes at them.", "有些內容不符合要求，見各欄提示。"],
  not_found: ["找不到，或你无权查看。", "Not found, or not yours to see.", "找不到，或你無權查看。"],
  forbidden: ["你的账号无权进行这项操作。", "Your account may not do this.", "你的賬號無權進行這項操作。"],
  conflict: ["与当前状态冲突，请刷新后再试。", "That conflicts with the current state: reload and try again.", "與當前狀態衝突，請刷新後再試。"],
  unauthorised: ["请重新登录。", "Log in again.", "請重新登錄。"],
  token_missing: ["请先登录。", "Log in first.", "請先登錄。"],
  token_expired: ["登录已过期，请重新登录。", "The login has expired: log in again.", "登錄已過期，請重新登錄。"],
  token_revoked: ["登录已失效，请重新登录。", "The login is no longer valid: log in again.", "登錄已失效，請重新登錄。"],
  payload_too_large: ["文件太大。", "The file is too large.", "文件太大。"],
  too_many_requests: ["操作太频繁，请稍后再试。", "Too many requests: try again shortly.", "操作太頻繁，請稍後再試。"],
  too_many_attempts: ["尝试次数太多，请稍后再试。", "Too many attempts: try again shortly.", "嘗試次數太多，請稍後再試。"],
  throttled: ["操作太频繁，请稍后再试。", "Too many requests: try again shortly.", "操作太頻繁，請稍後再試。"],
  unavailable: ["服务暂时不可用，请稍后再试。", "The service is briefly unavailable: try again shortly.", "服務暫時不可用，請稍後再試。"],
  offline: ["无法连接服务器。", "Cannot reach the server.", "無法連接服務器。"],
  malformed_json: ["请求格式不对。", "The request is malformed.", "請求格式不對。"],
  empty_body: ["请选择文件。", "Choose a file.", "請選擇文件。"],
  internal: ["服务器出错了，请稍后再试。", "Something went wrong on the server: try again shortly.", "服務器出錯了，請稍後再試。"],
};

/** A field's problem: [the server's words, zh-Hans, English, zh-Hant], $1 from the pattern. */
const PROBLEMS = [
  // marshmallow, for any request.
  [/^Missing data for required field\.$/, "必填", "Required", "必填"],
  [/^Field may not be null\.$/, "必填", "Required", "必填"],
  [/^Not a valid integer\.$/, "须为整数", "Must be a whole number", "須為整數"],
  [/^Not a valid string\.$/, "须为文字", "Must be text", "須為文字"],
  [/^Not a valid boolean\.$/, "须为是或否", "Must be yes or no", "須為是或否"],
  [/^Unknown field\.$/, "未知的栏目", "Unknown field", "未知的欄目"],
  [/^Length must be between (\d+) and (\d+)\.$/, "长度须为 $1–$2", "Length must be $1 to $2", "長度須為 $1–$2"],
  [/^Must be greater than or equal to (\d+)\.$/, "不能小于 $1", "At least $1", "不能小於 $1"],
  [/^Must be greater than or equal to (\d+) and less than or equal to (\d+)\.$/, "须在 $1 到 $2 之间", "From $1 to $2", "須在 $1 到 $2 之間"],
  [/^Must be one of: (.+)\.$/, "须为以下之一：$1", "One of: $1", "須為以下之一：$1"],
  [/^Shorter than minimum length (\d+)\.$/, "至少 $1 项", "At least $1", "至少 $1 項"],
  // A certificate plan (engine/domain/certificates.py, engine/services/certificates.py).
  [/^a list of templates is required$/, "至少需要一个证书模板", "At least one template is needed", "至少需要一個證書模板"],
  [/^between 1 and (\d+) templates$/, "须有 1 到 $1 个模板", "From 1 to $1 templates", "須有 1 到 $1 個模板"],
  [/^the key '(.+)' is used twice$/, "标识 $1 重复了", "The key $1 is used twice", "標識 $1 重複了"],
  [/^an object is required$/, "格式不对", "Malformed", "格式不對"],
  [/^1-32 of a-z, 0-9, _ and -, starting with a letter or digit$/, "须为 1–32 个小写字母、数字、_ 或 -，以字母或数字开头", "1 to 32 of a-z, 0-9, _ and -, starting with a letter or digit", "須為 1–32 個小寫字母、數字、_ 或 -，以字母或數字開頭"],
  [/^1-32 of a-z, 0-9, _ and -$/, "须为 1–32 个小写字母、数字、_ 或 -", "1 to 32 of a-z, 0-9, _ and -", "須為 1–32 個小寫字母、數字、_ 或 -"],
  [/^one of (.+)$/, "须为以下之一：$1", "One of: $1", "須為以下之一：$1"],
  [/^a whole number of points, 0 or more$/, "须为不小于 0 的整数分", "A whole number of points, 0 or more", "須為不小於 0 的整數分"],
  [/^a whole number, 1 or more$/, "须为不小于 1 的整数", "A whole number, 1 or more", "須為不小於 1 的整數"],
  [/^texts by locale \(.+\), each 1-(\d+) characters$/, "至少填一种语言，每种 1–$1 个字", "At least one language, each 1 to $1 characters", "至少填一種語言，每種 1–$1 個字"],
  [/^a date as YYYY-MM-DD, or null for the day of issue$/, "须为日期，或留空（颁发当天）", "A date, or empty for the day of issue", "須為日期，或留空（頒發當天）"],
  [/^the SHA-256 of an uploaded picture \(POST \/api\/v1\/media\)$/, "请上传印章图片", "Upload the seal picture", "請上傳印章圖片"],
  [/^no PNG or JPEG picture with that SHA-256$/, "找不到这张印章图片（PNG 或 JPEG），请重新上传", "No such seal picture (PNG or JPEG): upload it again", "找不到這張印章圖片（PNG 或 JPEG），請重新上傳"],
  [/^not a PNG or JPEG$/, "印章须为 PNG 或 JPEG 图片", "The seal must be a PNG or JPEG picture", "印章須為 PNG 或 JPEG 圖片"],
  [/^empty$/, "文件是空的", "The file is empty", "文件是空的"],
  [/^over (\d+) bytes$/, "文件超过 $1 字节", "Over $1 bytes", "文件超過 $1 字節"],
  [/^unsupported type$/, "不支持的文件类型", "Unsupported file type", "不支持的文件類型"],
  [/^1-(\d+) characters$/, "须为 1–$1 个字", "1 to $1 characters", "須為 1–$1 個字"],
  // A lucky draw (engine/domain/lucky_draw.py, engine/services/lucky_draws.py, web/api/draws.py).
  [/^required for a qualifiers pool$/, "在晋级者中抽奖须选定阶段", "A qualifiers pool needs a stage", "在晉級者中抽獎須選定階段"],
  [/^at least one template key, or null for any$/, "至少选一种证书，或不限", "At least one template, or any", "至少選一種證書，或不限"],
  [/^required for a min_score pool$/, "请填写最低分", "Give the lowest score", "請填寫最低分"],
  [/^a positive rank is required for a top pool$/, "请填写名次（不小于 1）", "Give a rank of 1 or more", "請填寫名次（不小於 1）"],
  [/^only a campaign's draw$/, "只有活动的抽奖可以选阶段", "Only a campaign's draw has a stage", "只有活動的抽獎可以選階段"],
  [/^no stages$/, "活动还没有阶段", "The campaign has no stage", "活動還沒有階段"],
  [/^1 to (\d+)$/, "须为 1 到 $1", "1 to $1", "須為 1 到 $1"],
  [/^round (\d+) has not finished$/, "场次 $1 还没有结束", "Round $1 has not finished", "場次 $1 還沒有結束"],
  [/^no qualifiers$/, "没有晋级规则", "No advancement rule", "沒有晉級規則"],
  [/^no confirmed qualifiers$/, "晋级名单还没有确认", "No qualifiers confirmed yet", "晉級名單還沒有確認"],
  [/^not_in_pool$/, "此人不在奖池中", "Not in the pool", "此人不在獎池中"],
  [/^at most (\d+) prizes in all$/, "奖品总数最多 $1 份", "At most $1 prizes in all", "獎品總數最多 $1 份"],
  [/^(.+) takes a pool of (.+)$/, "这种抽奖不能用这个奖池", "This draw cannot take that pool", "這種抽獎不能用這個獎池"],
  [/^(all_correct, certificate_holders, min_score, top|certificate_holders, qualifiers)$/, "这种抽奖不能用这个奖池", "This draw cannot take that pool", "這種抽獎不能用這個獎池"],
];

/** What the console calls a field the server names by its path's last part. */
const FIELDS = {
  reason: ["原因", "Reason", "原因"],
  title: ["标题", "Title", "標題"],
  prizes: ["奖品", "Prizes", "獎品"],
  prize: ["奖品", "Prize", "獎品"],
  count: ["数量", "Count", "數量"],
  pool: ["奖池", "Pool", "獎池"],
  kind: ["奖池", "Pool", "獎池"],
  threshold: ["分数线", "Threshold", "分數線"],
  top: ["名次", "Rank", "名次"],
  stage: ["阶段", "Stage", "階段"],
  rounds: ["场次", "Rounds", "場次"],
  templates: ["证书模板", "Templates", "證書模板"],
  contestant: ["选手", "Contestant", "選手"],
  file: ["文件", "File", "文件"],
  key: ["标识", "Key", "標識"],
  group: ["组", "Group", "組"],
  award: ["奖项", "Award", "獎項"],
  issuer: ["颁发单位", "Issuer", "頒發單位"],
  date: ["日期", "Date", "日期"],
  seal: ["印章", "Seal", "印章"],
  scope: ["排名范围", "Board", "排名範圍"],
};

/** A refusal ({code, reason, message}) in the console's language; null for none known. */
export function refusalText(error) {
  if (!error) return null;
  const known = (error.reason && REFUSALS[`${error.code}:${error.reason}`]) || REFUSALS[error.code];
  return known ? say(known) : null;
}

/** A field's problem, as the server words it, in the console's language. */
export function problemText(message) {
  for (const [pattern, zh, en, hant] of PROBLEMS) {
    const match = pattern.exec(message);
    if (match) return say([zh, en, hant]).replace(/\$(\d)/g, (_, n) => match[Number(n)] ?? "");
  }
  return message;
}

/**
 * Where a problem is, for a summary: "templates.2.rule.top" reads "第 3 项 · 名次";
 * the path as sent when its last part has no name here.
 */
export function fieldPlace(path) {
  const parts = path.split(/[.[\]]+/).filter(Boolean);
  const name = FIELDS[parts.at(-1)];
  if (!name) return path;
  const numbers = parts.filter((part) => /^\d+$/.test(part)).map((n) => say([`第 ${Number(n) + 1} 项`, `item ${Number(n) + 1}`, `第 ${Number(n) + 1} 項`]));
  return [...numbers, say(name)].join(" · ");
}
