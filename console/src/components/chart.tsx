// A small line chart as inline SVG (no chart library): one polyline per series, a day axis, and a data table
// behind it for screen readers. Colours come from SVG attributes, so the strict CSP needs no inline style.
import type { Schemas } from "../../../src/client/types";

type Day = Schemas["DayStats"];
export const SERIES = [
  { key: "signUps", label: "Sign-ups", colour: "#0b5cad" },
  { key: "signInsOk", label: "Sign-ins", colour: "#1a7f37" },
  { key: "signInsFailed", label: "Failed sign-ins", colour: "#b42318" },
  { key: "activeUsers", label: "Active users", colour: "#8250df" },
] as const;

const W = 640;
const H = 200;
const PAD = { left: 36, right: 8, top: 8, bottom: 24 };

export function ActivityChart({ days }: { days: Day[] }) {
  const max = Math.max(1, ...days.flatMap((d) => SERIES.map((s) => d[s.key])));
  const x = (i: number) => PAD.left + (days.length <= 1 ? 0 : (i * (W - PAD.left - PAD.right)) / (days.length - 1));
  const y = (v: number) => H - PAD.bottom - (v * (H - PAD.top - PAD.bottom)) / max;
  const first = days[0]?.date ?? "";
  const last = days.at(-1)?.date ?? "";
  return (
    <figure>
      <svg class="chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`Activity per day from ${first} to ${last}`}>
        <line x1={PAD.left} y1={y(0)} x2={W - PAD.right} y2={y(0)} stroke="#8c959f" />
        <line x1={PAD.left} y1={PAD.top} x2={PAD.left} y2={y(0)} stroke="#8c959f" />
        <text x={PAD.left - 4} y={PAD.top + 10} text-anchor="end" font-size="11" fill="#57606a">
          {max}
        </text>
        <text x={PAD.left - 4} y={y(0)} text-anchor="end" font-size="11" fill="#57606a">
          0
        </text>
        <text x={PAD.left} y={H - 6} font-size="11" fill="#57606a">
          {first}
        </text>
        <text x={W - PAD.right} y={H - 6} text-anchor="end" font-size="11" fill="#57606a">
          {last}
        </text>
        {SERIES.map((s) => (
          <polyline key={s.key} fill="none" stroke={s.colour} stroke-width="2" points={days.map((d, i) => `${x(i)},${y(d[s.key])}`).join(" ")} />
        ))}
      </svg>
      <figcaption class="legend">
        {SERIES.map((s) => (
          <span key={s.key}>
            <svg width="14" height="4" aria-hidden="true">
              <rect width="14" height="4" fill={s.colour} />
            </svg>{" "}
            {s.label}: {days.reduce((n, d) => n + d[s.key], 0)}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}

/** The same numbers as a table, for screen readers and copy-paste. */
export function ActivityTable({ days }: { days: Day[] }) {
  return (
    <details>
      <summary>Daily numbers</summary>
      <table>
        <caption class="sr-only">Activity per day</caption>
        <thead>
          <tr>
            <th scope="col">Day</th>
            {SERIES.map((s) => (
              <th key={s.key} scope="col">
                {s.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {days.map((d) => (
            <tr key={d.date}>
              <td>{d.date}</td>
              {SERIES.map((s) => (
                <td key={s.key}>{d[s.key]}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}
