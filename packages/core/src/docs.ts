import type { ToolDefinition } from './define.js';

/** The README tool table, generated from a connector's tool list (a test keeps them in sync). */
export function toolsMarkdown(tools: readonly ToolDefinition[]): string {
  const rows = tools.map((t) => {
    const kind = t.annotations.readOnlyHint ? 'read' : t.annotations.destructiveHint === false ? 'write' : 'write (destructive)';
    const firstSentence = t.description.split(/(?<=\.)\s/)[0]!.replace(/\|/g, '\\|');
    const params = Object.keys(t.input.shape).map((k) => `\`${k}\``).join(', ') || '—';
    return `| \`${t.name}\` | ${kind} | ${params} | ${firstSentence} |`;
  });
  return ['| Tool | Kind | Arguments | What it does |', '| --- | --- | --- | --- |', ...rows].join('\n');
}
