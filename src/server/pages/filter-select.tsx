/** A list's filter: a labelled select whose first choice, "Todos", sends an empty value (no filter). */
export function FilterSelect({ name, label, value, options }: { name: string; label: string; value?: string; options: ReadonlyArray<readonly [string, string]> }) {
  return (
    <label>
      {label}
      <select name={name}>
        <option value="">Todos</option>
        {options.map(([v, text]) => (
          <option value={v} selected={v === value}>
            {text}
          </option>
        ))}
      </select>
    </label>
  );
}
