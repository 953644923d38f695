// A round's results: standings, per-question statistics, two charts, and the CSV.
import { api, download, el, errorMessage, main, pick, requireLogin, say, t } from "./common.js";

const ROUND = Number(main.dataset.round);
const lang = document.documentElement.lang;
const $ = (id) => document.getElementById(id);
const BINS = 10;

const percent = (value) => (value == null ? "—" : `${Math.round(value * 100)}%`);
const seconds = (ms) => (ms == null ? "—" : `${(ms / 1000).toFixed(1)} s`);

/** Scores in BINS equal-width bins from 0 to the top score. */
export function histogram(scores, bins = BINS) {
  const top = Math.max(0, ...scores);
  const width = Math.max(1, Math.ceil((top + 1) / bins));
  const counts = Array(bins).fill(0);
  for (const score of scores) counts[Math.min(bins - 1, Math.floor(Math.max(score, 0) / width))] += 1;
  return counts.map((count, i) => ({ label: `${i * width}–${(i + 1) * width - 1}`, count }));
}

function chart(id, labels, data, label, max) {
  if (!window.Chart) return;
  new window.Chart($(id), {
    type: "bar",
    data: { labels, datasets: [{ label, data, backgroundColor: "#0b4f9c" }] },
    options: { animation: false, scales: { y: { beginAtZero: true, max, ticks: { precision: 0 } } }, plugins: { legend: { display: false }, title: { display: true, text: label } } },
  });
}

function render(report) {
  $("round-title").textContent = `· ${report.round.title}`;
  $("source").textContent = report.standings_source === "final"
    ? t("最终成绩（比赛结束时写入）。", "Final standings (written when the round finished).")
    : t("比赛仍在进行：排名为实时排行榜。", "The round is still running: standings are the live board.");
  const stats = report.statistics;
  $("summary").replaceChildren(...[
    [t("选手", "Contestants"), report.contestants],
    [t("作答人数", "Takers"), stats.n_takers],
    [t("计分题数", "Questions asked"), stats.k_items],
    [t("平均答对题数", "Mean correct"), stats.mean == null ? "—" : stats.mean.toFixed(2)],
    [t("信度 KR-20", "Reliability KR-20"), stats.kr20 == null ? "—" : stats.kr20.toFixed(2)],
  ].map(([name, value]) => el("div", {}, el("dt", {}, name), el("dd", { class: "big" }, String(value)))));

  const asked = report.questions.filter((q) => q.asked);
  $("questions").replaceChildren(...report.questions.map((q) => el("tr", {},
    el("td", {}, String(q.index + 1)),
    el("td", {}, el("code", {}, q.key), " ", pick(q.prompt, lang), q.asked ? "" : q.skipped ? ` (${t("已跳过", "skipped")})` : ` (${t("未出", "not asked")})`),
    el("td", {}, String(q.answers)),
    el("td", {}, String(q.correct)),
    el("td", {}, q.answers ? percent(q.correct / q.answers) : "—"),
    el("td", {}, seconds(q.mean_response_ms)),
    el("td", {}, q.discrimination == null ? "—" : q.discrimination.toFixed(2)))));

  $("standings").replaceChildren(...report.standings.map((row) => el("tr", {},
    el("td", {}, row.banned ? t("禁赛", "banned") : String(row.rank)),
    el("td", {}, row.nickname || row.contestant),
    el("td", {}, row.region || "—"),
    el("td", {}, row.team || "—"),
    el("td", {}, String(row.points)),
    el("td", {}, seconds(row.total_ms)))));
  if (!report.standings.length) $("standings").append(el("tr", {}, el("td", { colspan: "6" }, t("没有选手。", "No contestants."))));

  const names = new Map(report.standings.map((row) => [row.contestant, row.nickname || row.contestant]));
  const kinds = {
    fast: t("答得过快", "Implausibly fast"),
    identical: t("答卷雷同", "Identical answer sheets"),
    burst: t("同一设备集中报名", "Burst of entries from one client"),
    focus: t("答题时多次离开页面", "Left the page during questions"),
  };
  $("signals").replaceChildren(...(report.signals ?? []).map((signal) => el("li", {},
    el("strong", {}, kinds[signal.kind] ?? signal.kind), " · ",
    signal.contestants.map((c) => names.get(c) ?? c).join(", "), " · ", signal.detail)));
  if (!report.signals?.length) $("signals").append(el("li", {}, t("没有。", "None.")));

  chart("correct-chart", asked.map((q) => `${q.index + 1}`),
    asked.map((q) => (q.answers ? Math.round((100 * q.correct) / q.answers) : 0)), t("正确率 %", "Correct %"), 100);
  const bins = histogram(report.standings.map((row) => row.points));
  chart("score-chart", bins.map((bin) => bin.label), bins.map((bin) => bin.count), t("人数", "Contestants"));
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
