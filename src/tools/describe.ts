/** What the model reads about a tool (prompts/llm/tools.json); a tool without one is a bug, found when the tools are built. */
export function toolDescription(descriptions: Record<string, string>, name: string): string {
  const d = descriptions[name];
  if (d === undefined) throw new Error(`prompts/llm/tools.json: no description for ${name}`);
  return d;
}
