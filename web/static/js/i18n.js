// Interface strings in zh-Hans (the default), zh-Hant and English, and the locale choice.
// Templates render zh-Hans and mark each text with data-i18n; apply() swaps in the chosen
// locale, so a page reads right before any script runs.

export const LOCALES = ["zh-Hans", "zh-Hant", "en"];
const DEFAULT = "zh-Hans";
const STORED = "leitai.locale";

const STRINGS = {
  "zh-Hans": {
    total_label: "总分",
    streak_label: "连对",
    rank_label: "排名",
    skip: "跳到主要内容",
    language: "语言",
    tagline: "知识竞赛擂台",
    join_title: "参加比赛",
    join_hint: "输入主持人给出的比赛码。",
    watch_title: "观看大屏",
    watch_hint: "输入观看码，在大屏幕上显示排行榜。",
    code: "比赛码",
    watch_code: "观看码",
    nickname: "昵称",
    region: "地区",
    team: "队伍",
    choose: "请选择",
    none: "不选",
    join: "加入",
    watch: "观看",
    api_docs: "接口文档",
    joining: "正在加入…",
    unknown_code: "找不到这个比赛码。",
    lobby_title: "已加入，等待开始",
    lobby_hint: "主持人开始后，题目会自动出现。",
    share_qr: "让身边的人扫码加入",
    next_question: "下一题",
    see_score: "查看成绩",
    paper_done: "答题完成",
    current_rank: "目前排名：第 {rank} 名 / 共 {of} 人",
    paced_rank_note: "其他选手仍在作答，名次还会变化。",
    you_are: "你的昵称：{nickname}",
    contestants: "{count} 名选手",
    question_of: "第 {n} 题 / 共 {total} 题",
    seconds_left: "剩余 {s} 秒",
    time_up: "时间到",
    paused: "已暂停",
    submit: "提交答案",
    move_up: "上移",
    move_down: "下移",
    order_hint: "用“上移”“下移”排好顺序，再提交。",
    multiple_hint: "可以选多个，选好后提交。",
    text_answer: "你的答案",
    true: "对",
    false: "错",
    play_clip: "播放音频",
    pause_clip: "暂停音频",
    answer_received: "答案已收到",
    results_after_close: "答题时间结束后公布结果",
    waiting_reveal: "等待公布答案…",
    no_answer: "本题未作答",
    correct: "回答正确！",
    wrong: "回答错误",
    answer_was: "正确答案：{answer}",
    review_open: "查看答题回顾",
    review_title: "答题回顾",
    review_wrong_only: "只看答错的题",
    review_not_yet: "公布答案后才能查看回顾。",
    review_opens_at: "回顾将于 {time} 开放。",
    review_failed: "回顾暂时无法加载，请稍后再试。",
    review_empty: "没有要回顾的题目。",
    review_count: "共 {count} 题",
    your_answer: "你的答案：{answer}",
    skipped: "本题已作废",
    points_gained: "+{points} 分",
    total_points: "总分 {points}",
    streak: "连对 {streak} 题",
    rank: "第 {rank} 名 / 共 {of} 人",
    next_soon: "等待下一题…",
    finished_title: "比赛结束",
    final_rank: "最终排名：第 {rank} 名 / 共 {of} 人",
    final_points: "最终得分：{points}",
    certificates: "我的证书",
    certificate_png: "分享图片",
    top10: "前十名",
    points: "分",
    reconnecting: "连接中断，正在重新连接…",
    unavailable: "服务暂时不可用，请稍后再试。",
    connected: "已连接",
    kicked: "主持人已将你移出本场比赛。",
    focus_left: "答题时离开了页面（第 {n} 次）。来电和消息也算在内，请留在本页作答。",
    submitted_by_switches: "离开答题页面次数过多，试卷已提交。",
    banned: "你已被禁止参加本场比赛。",
    throttled: "加入的人太多了，请稍后再试。",
    eliminated: "你已被淘汰，可以继续观看。",
    revived: "你用掉了一次复活机会。",
    leave: "换个身份加入",
    join_code_big: "用手机扫码，或打开网址输入比赛码参加",
    leaderboard: "排行榜",
    question: "题目",
    distribution: "答题分布",
    answers_count: "{count} 人作答",
    regions_top: "前十名所在地区",
    answered_of: "{count} / {of} 人已作答",
    lobby_joined: "{count} 名选手已加入",
    lobby_more: "还有 {count} 人",
    explanation: "解析",
    podium: "领奖台",
    sound: "声音",
    audio_playing: "正在播放音频，请听",
    audio_muted: "听音频答题：打开大屏声音，或在手机上播放",
    text_on_phone: "在手机上输入答案",
    order_on_phone: "在手机上把以下各项排好顺序",
    also_accepted: "也算对：{answers}",
    waiting_start: "等待比赛开始",
    no_round: "找不到这个观看码。",
    frozen: "排行榜已封榜",
    right_answer: "正确",
    wrong_answer: "错误",
  },
  "zh-Hant": {
    total_label: "總分",
    streak_label: "連對",
    rank_label: "排名",
    skip: "跳到主要內容",
    language: "語言",
    tagline: "知識競賽擂台",
    join_title: "參加比賽",
    join_hint: "輸入主持人給出的比賽碼。",
    watch_title: "觀看大屏",
    watch_hint: "輸入觀看碼，在大螢幕上顯示排行榜。",
    code: "比賽碼",
    watch_code: "觀看碼",
    nickname: "暱稱",
    region: "地區",
    team: "隊伍",
    choose: "請選擇",
    none: "不選",
    join: "加入",
    watch: "觀看",
    api_docs: "介面文件",
    joining: "正在加入…",
    unknown_code: "找不到這個比賽碼。",
    lobby_title: "已加入，等待開始",
    lobby_hint: "主持人開始後，題目會自動出現。",
    share_qr: "讓身邊的人掃碼加入",
    next_question: "下一題",
    see_score: "查看成績",
    paper_done: "答題完成",
    current_rank: "目前排名：第 {rank} 名 / 共 {of} 人",
    paced_rank_note: "其他選手仍在作答，名次還會變化。",
    you_are: "你的暱稱：{nickname}",
    contestants: "{count} 名選手",
    question_of: "第 {n} 題 / 共 {total} 題",
    seconds_left: "剩餘 {s} 秒",
    time_up: "時間到",
    paused: "已暫停",
    submit: "提交答案",
    move_up: "上移",
    move_down: "下移",
    order_hint: "用「上移」「下移」排好順序，再提交。",
    multiple_hint: "可以選多個，選好後提交。",
    text_answer: "你的答案",
    true: "對",
    false: "錯",
    play_clip: "播放音訊",
    pause_clip: "暫停音訊",
    answer_received: "答案已收到",
    results_after_close: "答題時間結束後公佈結果",
    waiting_reveal: "等待公佈答案…",
    no_answer: "本題未作答",
    correct: "回答正確！",
    wrong: "回答錯誤",
    answer_was: "正確答案：{answer}",
    review_open: "查看答題回顧",
    review_title: "答題回顧",
    review_wrong_only: "只看答錯的題",
    review_not_yet: "公佈答案後才能查看回顧。",
    review_opens_at: "回顧將於 {time} 開放。",
    review_failed: "回顧暫時無法載入，請稍後再試。",
    review_empty: "沒有要回顧的題目。",
    review_count: "共 {count} 題",
    your_answer: "你的答案：{answer}",
    skipped: "本題已作廢",
    points_gained: "+{points} 分",
    total_points: "總分 {points}",
    streak: "連對 {streak} 題",
    rank: "第 {rank} 名 / 共 {of} 人",
    next_soon: "等待下一題…",
    finished_title: "比賽結束",
    final_rank: "最終排名：第 {rank} 名 / 共 {of} 人",
    final_points: "最終得分：{points}",
    certificates: "我的證書",
    certificate_png: "分享圖片",
    top10: "前十名",
    points: "分",
    reconnecting: "連線中斷，正在重新連線…",
    unavailable: "服務暫時無法使用，請稍後再試。",
    connected: "已連線",
    kicked: "主持人已將你移出本場比賽。",
    focus_left: "答題時離開了頁面（第 {n} 次）。來電和訊息也計算在內，請留在本頁作答。",
    submitted_by_switches: "離開答題頁面次數過多，試卷已提交。",
    banned: "你已被禁止參加本場比賽。",
    throttled: "加入的人太多了，請稍後再試。",
    eliminated: "你已被淘汰，可以繼續觀看。",
    revived: "你用掉了一次復活機會。",
    leave: "換個身分加入",
    join_code_big: "用手機掃碼，或打開網址輸入比賽碼參加",
    leaderboard: "排行榜",
    question: "題目",
    distribution: "答題分佈",
    answers_count: "{count} 人作答",
    regions_top: "前十名所在地區",
    answered_of: "{count} / {of} 人已作答",
    lobby_joined: "{count} 名選手已加入",
    lobby_more: "還有 {count} 人",
    explanation: "解析",
    podium: "頒獎台",
    sound: "聲音",
    audio_playing: "正在播放音訊，請聽",
    audio_muted: "聽音訊答題：打開大屏聲音，或在手機上播放",
    text_on_phone: "在手機上輸入答案",
    order_on_phone: "在手機上把以下各項排好順序",
    also_accepted: "也算對：{answers}",
    waiting_start: "等待比賽開始",
    no_round: "找不到這個觀看碼。",
    frozen: "排行榜已封榜",
    right_answer: "正確",
    wrong_answer: "錯誤",
  },
  en: {
    total_label: "Total",
    streak_label: "Streak",
    rank_label: "Rank",
    skip: "Skip to main content",
    language: "Language",
    tagline: "The quiz arena",
    join_title: "Join a round",
    join_hint: "Enter the code your host gives you.",
    watch_title: "Big screen",
    watch_hint: "Enter a watch code to show the leaderboard on a big screen.",
    code: "Round code",
    watch_code: "Watch code",
    nickname: "Nickname",
    region: "Region",
    team: "Team",
    choose: "Choose…",
    none: "None",
    join: "Join",
    watch: "Watch",
    api_docs: "API documentation",
    joining: "Joining…",
    unknown_code: "No round has that code.",
    lobby_title: "You're in. Waiting for the start",
    lobby_hint: "Questions appear here as soon as the host starts.",
    share_qr: "Let the people around you scan to join",
    next_question: "Next question",
    see_score: "See my score",
    paper_done: "Paper complete",
    current_rank: "Current rank: {rank} of {of}",
    paced_rank_note: "Others are still answering, so your rank may change.",
    you_are: "Playing as {nickname}",
    contestants: "{count} contestants",
    question_of: "Question {n} of {total}",
    seconds_left: "{s} seconds left",
    time_up: "Time's up",
    paused: "Paused",
    submit: "Submit answer",
    move_up: "Move up",
    move_down: "Move down",
    order_hint: "Put the items in order with Move up / Move down, then submit.",
    multiple_hint: "Pick all that apply, then submit.",
    text_answer: "Your answer",
    true: "True",
    false: "False",
    play_clip: "Play clip",
    pause_clip: "Pause clip",
    answer_received: "Answer received",
    results_after_close: "Results when the round closes",
    waiting_reveal: "Waiting for the reveal…",
    no_answer: "No answer given",
    correct: "Correct!",
    wrong: "Wrong",
    answer_was: "Answer: {answer}",
    review_open: "Review my answers",
    review_title: "Review",
    review_wrong_only: "Only the ones I got wrong",
    review_not_yet: "The review opens once the answers are revealed.",
    review_opens_at: "The review opens at {time}.",
    review_failed: "The review could not be loaded; try again shortly.",
    review_empty: "Nothing to review.",
    review_count: "{count} questions",
    your_answer: "Your answer: {answer}",
    skipped: "This question was voided",
    points_gained: "+{points} points",
    total_points: "{points} points in total",
    streak: "Streak: {streak}",
    rank: "Rank {rank} of {of}",
    next_soon: "Waiting for the next question…",
    finished_title: "The round is over",
    final_rank: "Final rank: {rank} of {of}",
    final_points: "Final score: {points}",
    certificates: "My certificates",
    certificate_png: "Share image",
    top10: "Top 10",
    points: "pts",
    reconnecting: "Connection lost, reconnecting…",
    unavailable: "The service is briefly unavailable; please try again.",
    connected: "Connected",
    kicked: "The host removed you from this round.",
    focus_left: "You left the page during a question (time {n}). Calls and messages count too: please stay on this page.",
    submitted_by_switches: "You left the page too often: your paper has been submitted.",
    banned: "You are banned from this round.",
    throttled: "Too many people are joining right now; try again shortly.",
    eliminated: "You are out; you can keep watching.",
    revived: "You spent a revival token.",
    leave: "Join as someone else",
    join_code_big: "Scan, or open the address and enter the code",
    leaderboard: "Leaderboard",
    question: "Question",
    distribution: "Answers",
    answers_count: "{count} answered",
    regions_top: "Regions in the top 10",
    answered_of: "{count} of {of} answered",
    lobby_joined: "{count} players have joined",
    lobby_more: "and {count} more",
    explanation: "Explanation",
    podium: "Podium",
    sound: "Sound",
    audio_playing: "Listen: the clip is playing",
    audio_muted: "Audio question: turn the screen's sound on, or play it on your phone",
    text_on_phone: "Type your answer on your phone",
    order_on_phone: "Put these in order on your phone",
    also_accepted: "Also accepted: {answers}",
    waiting_start: "Waiting for the round to start",
    no_round: "No round has that watch code.",
    frozen: "Leaderboard frozen",
    right_answer: "Right",
    wrong_answer: "Wrong",
  },
};

let current = readStored();

function readStored() {
  try {
    const stored = localStorage.getItem(STORED);
    return LOCALES.includes(stored) ? stored : fromBrowser();
  } catch {
    return fromBrowser();
  }
}

// Until the reader picks a language, the browser's own list decides: Traditional for
// zh-Hant and the Taiwan, Hong Kong and Macau tags, Simplified for other Chinese,
// English for English; anything else gets the default.
function fromBrowser() {
  for (const tag of navigator.languages ?? [navigator.language]) {
    const lower = String(tag).toLowerCase();
    if (/^zh-(hant|tw|hk|mo)\b/.test(lower)) return "zh-Hant";
    if (lower === "zh" || lower.startsWith("zh-")) return "zh-Hans";
    if (lower === "en" || lower.startsWith("en-")) return "en";
  }
  return DEFAULT;
}

export function locale() {
  return current;
}

/** Choose the locale; ``remember`` keeps it for the next page (a URL's choice is not kept). */
export function setLocale(tag, { remember = true } = {}) {
  current = LOCALES.includes(tag) ? tag : DEFAULT;
  if (remember) {
    try {
      localStorage.setItem(STORED, current);
    } catch {
      // Private browsing may refuse storage; the choice then lasts for this page only.
    }
  }
  apply();
}

/** The interface string ``key`` in the chosen locale, with {name} placeholders filled. */
export function t(key, vars = {}) {
  const text = STRINGS[current][key] ?? STRINGS[DEFAULT][key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(vars[name] ?? ""));
}

/** Question text (a {locale: text} mapping) in the chosen locale, else zh-Hans, else any. */
export function pick(text) {
  if (!text) return "";
  if (typeof text === "string") return text;
  return text[current] ?? text[DEFAULT] ?? Object.values(text)[0] ?? "";
}

/** Translate every [data-i18n] element (text) and [data-i18n-label] (aria-label). */
export function apply(root = document) {
  document.documentElement.lang = current;
  for (const element of root.querySelectorAll("[data-i18n]")) {
    element.textContent = t(element.dataset.i18n);
  }
  for (const element of root.querySelectorAll("[data-i18n-label]")) {
    element.setAttribute("aria-label", t(element.dataset.i18nLabel));
  }
  for (const select of root.querySelectorAll("[data-locale-select]")) {
    select.value = current;
  }
}

/** Wire the header's language menu; ``onChange`` re-renders what scripts drew. */
export function bindLocaleSelect(onChange = () => {}) {
  for (const select of document.querySelectorAll("[data-locale-select]")) {
    select.addEventListener("change", () => {
      setLocale(select.value);
      onChange();
    });
  }
  apply();
}
