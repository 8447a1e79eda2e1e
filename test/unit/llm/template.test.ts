import { describe, expect, it } from 'vitest';
import { renderTemplate, TemplateError } from '../../../src/operators/llm/template.js';

describe('prompt template renderer', () => {
  it('substitutes variables and keeps braces inside values literal', () => {
    expect(renderTemplate('a {{x}} b {{ y }}', { x: '{{y}}', y: 2 })).toBe('a {{y}} b 2\n');
  });

  it('shows a section when its variable is non-empty, the inverse section when empty', () => {
    const t = '{{#m}}M: {{m}}{{/m}}{{^m}}no memory{{/m}}';
    expect(renderTemplate(t, { m: 'x' })).toBe('M: x\n');
    expect(renderTemplate(t, { m: '' })).toBe('no memory\n');
    expect(renderTemplate('{{#a}}A{{#b}}B{{/b}}{{/a}}', { a: true, b: false })).toBe('A\n');
  });

  it('includes partials with the same variables and collapses blank runs', () => {
    expect(renderTemplate('x\n\n\n\n{{> p}}', { v: 1 }, { p: 'p={{v}}' })).toBe('x\n\np=1\n');
  });

  it('throws on an unknown variable or partial', () => {
    expect(() => renderTemplate('{{nope}}', {})).toThrow(TemplateError);
    expect(() => renderTemplate('{{> nope}}', {})).toThrow(/partial "nope"/);
  });
});
