/** Which series a tab shows: a GET form, so the choice is in the URL. */
export function SeriesPicker({ action, series, current }: { action: string; series: string[]; current: string | undefined }) {
  return (
    <form class="card row" method="get" action={action}>
      <label>
        Serie
        <select name="serie">
          {series.length === 0 && <option value="">(ninguna todavía)</option>}
          {series.map((s) => (
            <option value={s} selected={s === current}>
              {s}
            </option>
          ))}
        </select>
      </label>
      <button type="submit">Ver</button>
    </form>
  );
}
