// A round's results: standings, per-question statistics and option uptake, the signals
// to review, two charts with tables beside them, and the CSV.
import { api, download, el, errorMessage, main, pick, requireLogin, say, t } from "./common.js";

const ROUND = Number(main.dataset.round);
const lang = document.documentElement.lang;
const $ = (id) => document.getElementById(id);

const percent = (share) => (share == null ? "—" : `${Math.round(share * 100)}%`);
const seconds = (ms) => (ms == null ? "—" : `${(ms / 1000).toFixed(1)} s`);
const decimal = (value) => (value == null ? "—" : value.toFixed(2));
const binLabel = (bin) => (bin.low === bin.high ? String(bin.low) : `${bin.low}–${bin.high}`);

function chart(id, labels, data, label, max) {
  if (!window.Chart) return;
  new window.Chart($(id), {
    type: "bar",
    data: { labels, datasets: [{ label, data, backgroundColor: "#0b4f9c" }] },
    options: { animation: false, scales: { y: { beginAtZero: true, max, ticks: { precision: 0 } } }, plugins: { legend: { display: false }, title: { display: true, text: label } } },
  });
}

/** The options of a question as uptake lists them: its choices, or true/false. */
function optionsOf(question) {
  if (question.choices?.length) return question.choices.map((choice) => [choice.key, pick(choice.text, lang)]);
  if (question.type === "true_false") return [["true", t("对", "True", "對")], ["false", t("错", "False", "錯")]];
  return Object.keys(question.options).map((key) => [key, key]);
}

function uptakeTable(question, number) {
  const key = new Set((question.answer ?? []).map(String));
  const rows = optionsOf(question).map(([option, text]) => {
    const uptake = question.options[option];
    const share = uptake?.share ?? 0;
    const isKey = key.has(option);
    const bar = el("span");
    bar.style.width = `${Math.round(share * 100)}%`; // CSSOM: the policy refuses style attributes
    return el("tr", { class: isKey ? "key" : null },
      el("th", { scope: "row" }, isKey ? `✓ ${option}` : option, isKey ? el("span", { class: "sr-only" }, ` (${t("正确答案", "the key", "正確答案")})`) : null),
      el("td", {}, text),
      el("td", { class: "share" },
        el("span", { class: "meter", "aria-hidden": "true" }, bar),
        `${percent(share)} (${uptake?.count ?? 0})`));
  });
  const caption = `${number}. ${pick(question.prompt, lang)}`;
  return el("table", { class: "grid" },
    el("caption", {}, caption, question.answer == null ? ` · ${t("答案尚未公布", "key not yet disclosed", "答案尚未公佈")}` : ""),
    el("thead", {}, el("tr", {},
      el("th", { scope: "col" }, t("选项", "Option", "選項")),
      el("th", { scope: "col" }, t("内容", "Text", "內容")),
      el("th", { scope: "col" }, t("选择率（人数）", "Share (takers)", "選擇率（人數）")))),
    el("tbody", {}, rows));
}

const KINDS = {
  fast: [t("答得过快", "Implausibly fast", "答得過快"), ([count, ms]) => t(`${count} 道题答对且用时不足 ${ms} 毫秒`, `${count} correct answers under ${ms} ms`, `${count} 道題答對且用時不足 ${ms} 毫秒`)],
  identical: [t("答卷雷同", "Identical answer sheets", "答卷雷同"), ([count, ms]) => t(`${count} 题的答案与用时相同（误差 ${ms} 毫秒内）`, `${count} answers with the same responses and timings (within ${ms} ms)`, `${count} 題的答案與用時相同（誤差 ${ms} 毫秒內）`)],
  burst: [t("同一设备集中报名", "Burst of entries from one client", "同一設備集中報名"), ([count]) => t(`一分钟内同一设备报名 ${count} 次`, `${count} entries from one client within a minute`, `一分鐘內同一設備報名 ${count} 次`)],
  focus: [t("答题时多次离开页面", "Left the page during questions", "答題時多次離開頁面"), ([count]) => t(`答题时离开页面 ${count} 次`, `left the page ${count} times during questions`, `答題時離開頁面 ${count} 次`)],
};

/** A signal's detail in the page's language, from the numbers in the server's text. */
function signalDetail(signal) {
  const numbers = signal.detail.match(/\d+/g) ?? [];
  const describe = KINDS[signal.kind]?.[1];
  return describe && numbers.length ? describe(numbers) : signal.detail;
}

function render(report) {
  $("round-title").textContent = `· ${report.round.title}`;
  $("source").textContent = report.standings_source === "final"
    ? t("最终成绩（比赛结束时写入）。", "Final standings (written when the round finished).", "最終成績（比賽結束時寫入）。")
    : t("比赛仍在进行：排名为实时排行榜。", "The round is still running: standings are the live board.", "比賽仍在進行：排名為實時排行榜。");
  const stats = report.statistics;
  $("summary").replaceChildren(...[
    [t("选手", "Contestants", "選手"), report.contestants],
    [t("作答人数", "Takers", "作答人數"), stats.n_takers],
    [t("计分题数", "Questions asked", "計分題數"), stats.k_items],
    [t("平均答对题数", "Mean correct", "平均答對題數"), decimal(stats.mean)],
    [t("信度 KR-20", "Reliability KR-20", "信度 KR-20"), decimal(stats.kr20)],
    [t("克朗巴赫 α", "Cronbach's alpha", "克朗巴赫 α"), decimal(stats.alpha)],
  ].map(([name, value]) => el("div", {}, el("dt", {}, name), el("dd", { class: "big" }, String(value)))));

  const numbered = report.questions.map((q, i) => ({ ...q, number: i + 1 }));
  $("questions").replaceChildren(...numbered.map((q) => el("tr", {},
    el("td", {}, String(q.number)),
    el("td", {}, el("code", {}, q.key), " ", pick(q.prompt, lang), q.asked ? "" : q.skipped ? ` (${t("已跳过", "skipped", "已跳過")})` : ` (${t("未出", "not asked", "未出")})`),
    el("td", {}, String(q.answers)),
    el("td", {}, String(q.correct)),
    el("td", {}, q.answers ? percent(q.correct / q.answers) : "—"),
    el("td", {}, seconds(q.mean_response_ms)),
    el("td", {}, decimal(q.discrimination)))));

  const withOptions = numbered.filter((q) => q.asked && optionsOf(q).length);
  $("uptake").replaceChildren(...withOptions.map((q) => uptakeTable(q, q.number)));
  if (!withOptions.length) $("uptake").append(el("p", {}, t("还没有选择题作答。", "No choice question has been answered yet.", "還沒有選擇題作答。")));

  const regions = report.regions ?? {};
  $("standings").replaceChildren(...report.standings.map((row) => el("tr", { class: row.banned ? "banned" : null },
    el("td", {}, row.rank == null ? (row.banned ? t("禁赛", "banned", "禁賽") : "—") : String(row.rank)),
    el("td", {}, row.nickname || row.contestant),
    el("td", {}, row.region ? pick(regions[row.region], lang) || row.region : "—"),
    el("td", {}, row.team || "—"),
    el("td", {}, String(row.points ?? 0)),
    el("td", {}, seconds(row.total_ms)))));
  if (!report.standings.length) $("standings").append(el("tr", {}, el("td", { colspan: "6" }, t("没有选手。", "No contestants.", "沒有選手。"))));

  const names = new Map(report.standings.map((row) => [row.contestant, row.nickname || row.contestant]));
  $("signals").replaceChildren(...(report.signals ?? []).map((signal) => el("li", { dataset: { kind: signal.kind } },
    el("strong", {}, KINDS[signal.kind]?.[0] ?? signal.kind), " · ",
    signal.contestants.map((c) => names.get(c) ?? c).join(t("、", ", ", "、")), " · ", signalDetail(signal))));
  if (!report.signals?.length) $("signals").append(el("li", {}, t("没有。", "None.", "沒有。")));

  const asked = numbered.filter((q) => q.asked);
  chart("correct-chart", asked.map((q) => String(q.number)),
    asked.map((q) => (q.answers ? Math.round((100 * q.correct) / q.answers) : 0)), t("正确率 %", "Correct %", "正確率 %"), 100);
  const bins = report.score_bins ?? [];
  chart("score-chart", bins.map(binLabel), bins.map((bin) => bin.count), t("人数", "Contestants", "人數"));
  $("bins").replaceChildren(...bins.map((bin) => el("tr", {}, el("td", {}, binLabel(bin)), el("td", {}, String(bin.count)))));
  if (!bins.length) $("bins").append(el("tr", {}, el("td", { colspan: "2" }, t("还没有得分。", "No scores yet.", "還沒有得分。"))));
}

async function load() {
  const result = await api("GET", `/rounds/${ROUND}/results`);
  if (!result.ok) {
    say(errorMessage(result), true);
    return;
  }
  render(result.data);
}

if (requireLogin()) {
  $("csv").addEventListener("click", () => download(`/rounds/${ROUND}/results.csv`, `round-${ROUND}-standings.csv`));
  load();
}
