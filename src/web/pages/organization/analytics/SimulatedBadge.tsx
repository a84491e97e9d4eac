/** A conversation played in the simulator: never sent to a phone, not counted against the month. */
export function SimulatedBadge() {
  return (
    <span
      className="ml-2 rounded bg-slate-200 px-1.5 py-0.5 text-xs font-medium text-slate-800"
      title="Written in the simulator: replies were not sent to a phone and are not counted"
      data-testid="simulated-badge"
    >
      Simulated
    </span>
  )
}
