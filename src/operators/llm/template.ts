/**
 * A tiny template language for the prompt files in prompts/ (no dependency):
 *   {{name}}                 the variable's value
 *   {{#name}}…{{/name}}      the section when the value is truthy (non-empty string, true, non-zero)
 *   {{^name}}…{{/name}}      the section when it is falsy
 *   {{> partial}}            another template (prompts/common/<partial>.md), rendered with the same variables
 * An unknown variable or partial throws, so a typo in a template fails the first test that renders it.
 * Runs of three or more newlines left by empty sections collapse to one blank line.
 */
export type TemplateValue = string | number | boolean | null;
export type TemplateVars = Record<string, TemplateValue>;

export class TemplateError extends Error {
  override name = 'TemplateError';
}

const SECTION = /\{\{([#^])\s*([\w.-]+)\s*\}\}([\s\S]*?)\{\{\/\s*\2\s*\}\}/g;
const PARTIAL = /\{\{>\s*([\w.-]+)\s*\}\}/g;
const VARIABLE = /\{\{\s*([\w.-]+)\s*\}\}/g;

function lookup(vars: TemplateVars, name: string): TemplateValue {
  if (!Object.hasOwn(vars, name)) throw new TemplateError(`template variable "${name}" is not defined`);
  return vars[name] ?? null;
}

const truthy = (v: TemplateValue): boolean => v !== null && v !== false && v !== '' && v !== 0;

function expand(template: string, vars: TemplateVars, partials: Record<string, string>, depth: number): string {
  if (depth > 8) throw new TemplateError('partials nested more than 8 deep');
  let text = template.replace(PARTIAL, (_m, name: string) => {
    const partial = partials[name];
    if (partial === undefined) throw new TemplateError(`template partial "${name}" is not defined`);
    return expand(partial, vars, partials, depth + 1);
  });
  // Outer sections first; their bodies are expanded recursively, so sections of other names nest.
  text = text.replace(SECTION, (_m, kind: string, name: string, body: string) =>
    truthy(lookup(vars, name)) === (kind === '#') ? expand(body, vars, partials, depth + 1) : '');
  return text;
}

export function renderTemplate(template: string, vars: TemplateVars, partials: Record<string, string> = {}): string {
  // Values are substituted last and in one pass, so braces inside values (code, output) stay literal.
  const text = expand(template, vars, partials, 0).replace(VARIABLE, (_m, name: string) => String(lookup(vars, name) ?? ''));
  return `${text.replace(/\n{3,}/g, '\n\n').trim()}\n`;
}
