import { envName, flagName, formatDefault, type OptionSpecs } from './options.js';
import type { ToolDefinition } from './define.js';

/** The README tool table, generated from a connector's tool list (a test keeps them in sync). */
export function toolsMarkdown(tools: readonly ToolDefinition[]): string {
  const rows = tools.map((t) => {
    const kind = t.kind === 'destructive' ? 'destructive (confirmed)' : t.kind === 'write' && t.confirm ? 'write (confirmed)' : t.kind;
    const firstSentence = t.description.split(/(?<!\b(?:e\.g|i\.e|etc|vs)\.)(?<=\.)\s/)[0]!.replace(/\|/g, '\\|');
    const params = Object.keys(t.input.shape).map((k) => `\`${k}\``).join(', ') || '—';
    return `| \`${t.name}\` | ${kind} | ${params} | ${firstSentence} |`;
  });
  return ['| Tool | Kind | Arguments | What it does |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

/** The README options table, generated from option specs (flag, variable, default, meaning). */
export function optionsMarkdown(specs: OptionSpecs): string {
  const rows = Object.entries(specs).map(([key, s]) => {
    const flag = `\`--${flagName(key)}${s.kind === 'boolean' ? '' : ` ${s.placeholder ?? 'VALUE'}`}\``;
    const vars = [envName(key), ...(s.env ?? [])].map((v) => `\`${v}\``).join(', ');
    const dflt = s.default === undefined || s.secret ? '—' : s.default === false ? 'off' : `\`${formatDefault(s)}\``;
    return `| ${flag.replace(/\|/g, '\\|')}${s.positional ? ' (or first argument)' : ''} | ${vars} | ${dflt} | ${s.description.replace(/\|/g, '\\|')} |`;
  });
  return ['| Flag | Variable | Default | Meaning |', '| --- | --- | --- | --- |', ...rows].join('\n');
}
