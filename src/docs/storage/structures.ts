import { XMLValidator } from 'fast-xml-parser';
import type { Element, ElementContent } from 'hast';
import { stringProp } from '../anchors.js';
import { ALERT_MACROS, textContent, type SsotAlert, type SsotCode } from '../hast.js';
import { cdata, escapeText } from '../../core/xml.js';
import { attrs, macro } from '../xml.js';
import { alignOf, isBlank, isElement } from './elements.js';
import { trimRun, type Writer } from './writer.js';

/** Code, alerts, `<details>`, lists and tables: the elements with a structure of their own in storage format. */

/** Fence names to Confluence code macro language ids; others pass through (md2conf #226). */
const LANGUAGES: Readonly<Record<string, string>> = {
  sh: 'bash', shell: 'bash', zsh: 'bash', console: 'bash', shellsession: 'bash', bash: 'bash',
  js: 'js', javascript: 'js', jsx: 'js', mjs: 'js', cjs: 'js', node: 'js',
  ts: 'typescript', tsx: 'typescript', typescript: 'typescript',
  py: 'py', python: 'py', python3: 'py', rb: 'ruby', ruby: 'ruby',
  yml: 'yml', yaml: 'yml', cs: 'c#', csharp: 'c#', 'c#': 'c#', 'c++': 'cpp', cpp: 'cpp', cc: 'cpp', c: 'cpp',
  ps: 'powershell', ps1: 'powershell', powershell: 'powershell', pwsh: 'powershell',
  html: 'xml', xml: 'xml', xhtml: 'xml', svg: 'xml', txt: 'text', text: 'text', plaintext: 'text', plain: 'text',
  diff: 'diff', patch: 'diff', sql: 'sql', java: 'java', kotlin: 'kotlin', kt: 'kotlin', go: 'go', golang: 'go',
  rust: 'rust', rs: 'rust', php: 'php', perl: 'perl', pl: 'perl', scala: 'scala', groovy: 'groovy',
  css: 'css', scss: 'sass', sass: 'sass', json: 'json', jsonc: 'json', vb: 'vb', erlang: 'erl', erl: 'erl',
  swift: 'swift', r: 'r', lua: 'lua', dockerfile: 'dockerfile', docker: 'dockerfile', hcl: 'hcl', terraform: 'hcl', tf: 'hcl',
  ini: 'ini', toml: 'ini', makefile: 'makefile', make: 'makefile', graphql: 'graphql', gql: 'graphql', mermaid: 'mermaid',
};

export function codeLanguage(lang: string | null | undefined): string | undefined {
  if (!lang) return undefined;
  const l = lang.toLowerCase();
  return LANGUAGES[l] ?? l;
}

/** The fence of a block of storage XHTML written into the page as it is (`ssot docs pull` keeps macros markdown cannot hold in one). */
export const RAW_STORAGE_FENCE = '{=confluence}';

export function codeMacro(w: Writer, node: SsotCode): string {
  const lang = node.lang?.toLowerCase();
  if (lang === RAW_STORAGE_FENCE) {
    const bad = storageProblem(node.value);
    if (bad === undefined) return node.value.trim();
    w.ctx.warn(node.position?.start.line, `the ${RAW_STORAGE_FENCE} block is not well-formed storage format (${bad}): shown as code`);
    return macro('code', { language: 'xml' }, `<ac:plain-text-body>${cdata(node.value)}</ac:plain-text-body>`);
  }
  const body = `<ac:plain-text-body>${cdata(node.value)}</ac:plain-text-body>`;
  if (lang === 'mermaid' && w.ctx.mermaid === 'macro') return macro(w.ctx.mermaidMacro, {}, body);
  const meta = node.meta ?? '';
  const title = /(?:^|\s)title=(?:"([^"]*)"|(\S+))/.exec(meta);
  return macro('code', { language: codeLanguage(lang), title: title ? (title[1] ?? title[2]) : undefined, linenumbers: /(?:^|\s)linenums\b/.test(meta) ? 'true' : undefined }, body);
}

function storageProblem(xml: string): string | undefined {
  // fast-xml-parser 5 marks its validator deprecated in favour of a separate package; this one is the
  // validator the converter's tests pin, and moving is a dependency change of its own.
  // eslint-disable-next-line @typescript-eslint/no-deprecated
  const r = XMLValidator.validate(`<root xmlns:ac="http://atlassian.com/content" xmlns:ri="http://atlassian.com/resource/identifier">${xml}</root>`);
  if (r === true) return undefined;
  const unclosed = /^Expected closing tag '([^']+)' .*'root'/.exec(r.err.msg);
  return unclosed ? `<${unclosed[1] ?? ''}> is not closed` : `line ${r.err.line}: ${r.err.msg}`;
}

/** Raw `<pre>`: the code macro, with the language of `lang=` or of an inner `<code class="language-x">`. */
export function preBlock(w: Writer, el: Element): string {
  const code = el.children.find((c): c is Element => isElement(c) && c.tagName === 'code');
  const cls = code ? stringProp(code.properties['className']) : undefined;
  const lang = stringProp(el.properties['lang']) ?? /(?:^|\s)(?:language|lang)-(\S+)/.exec(cls ?? '')?.[1];
  const value = textContent(el).replace(/\n$/, '');
  return w.anchorsOf(el) + codeMacro(w, { type: 'ssotCode', value, ...(lang ? { lang } : {}) });
}

export function alertMacro(w: Writer, node: SsotAlert): string {
  return macro(ALERT_MACROS[node.kind], {}, `<ac:rich-text-body>${w.blocks(node.children)}</ac:rich-text-body>`);
}

/** `<details><summary>T</summary>…</details>`: the expand macro titled T (a title is plain text). */
export function details(w: Writer, el: Element): string {
  const summary = el.children.find((c): c is Element => isElement(c) && c.tagName === 'summary');
  const title = summary ? textContent(summary).replace(/\s+/g, ' ').trim() : '';
  const body = w.blocks(el.children.filter((c) => c !== summary));
  return w.anchorsOf(el) + (summary ? w.anchorsOf(summary) : '') + macro('expand', { title: title || undefined }, `<ac:rich-text-body>${body}</ac:rich-text-body>`);
}

interface Item {
  el: Element;
  /** true / false for a task item, undefined for a plain one. */
  checked?: boolean;
  /** The item's content without its checkbox. */
  content: ElementContent[];
}

export function list(w: Writer, el: Element): string {
  const items = el.children.filter((c) => !isBlank(c)).map(toItem);
  if (items.length > 0 && items.every((i) => i.checked !== undefined)) return taskList(w, items);
  const tag = el.tagName;
  const startRaw = tag === 'ol' ? Number(stringProp(el.properties['start']) ?? 1) : 1;
  const start = Number.isInteger(startRaw) && startRaw !== 1 ? String(startRaw) : undefined;
  const lis = items.map((i) => {
    // A list mixing tasks and plain items stays a list (as mark does); the box is kept as text.
    const box = i.checked === true ? '☑ ' : i.checked === false ? '☐ ' : '';
    return `<li>${w.anchorsOf(i.el)}${escapeText(box)}${w.mixed(i.content)}</li>`;
  });
  return `${w.anchorsOf(el)}<${tag}${attrs({ start })}>${lis.join('')}</${tag}>`;
}

function toItem(c: ElementContent): Item {
  const el: Element = isElement(c) && c.tagName === 'li' ? c : { type: 'element', tagName: 'li', properties: {}, children: [c] };
  const kids = el.children;
  const first = kids.findIndex((k) => !isBlank(k));
  const head = kids[first];
  if (head && isCheckbox(head)) return { el, checked: Boolean((head as Element).properties['checked']), content: dropLeadingSpace(kids.slice(first + 1)) };
  // A loose task item: the box opens its first paragraph.
  if (head && isElement(head) && head.tagName === 'p') {
    const inner = head.children.findIndex((k) => !isBlank(k));
    const box = head.children[inner];
    if (box && isCheckbox(box)) {
      const p: Element = { ...head, children: dropLeadingSpace(head.children.slice(inner + 1)) };
      return { el, checked: Boolean((box as Element).properties['checked']), content: [...kids.slice(0, first), p, ...kids.slice(first + 1)] };
    }
  }
  return { el, content: kids };
}

function isCheckbox(n: ElementContent): boolean {
  return isElement(n) && n.tagName === 'input' && stringProp(n.properties['type'])?.toLowerCase() === 'checkbox';
}

function dropLeadingSpace(nodes: ElementContent[]): ElementContent[] {
  const first = nodes[0];
  if (first?.type === 'text') return [{ ...first, value: first.value.replace(/^[ \t]+/, '') }, ...nodes.slice(1)];
  return nodes;
}

function taskList(w: Writer, items: Item[]): string {
  const tasks = items.map((i) => {
    const id = w.nextTaskId();
    const status = i.checked ? 'complete' : 'incomplete';
    return `<ac:task><ac:task-id>${id}</ac:task-id><ac:task-status>${status}</ac:task-status><ac:task-body>${w.anchorsOf(i.el)}${taskBody(w, i.content)}</ac:task-body></ac:task>`;
  });
  return `<ac:task-list>${tasks.join('')}</ac:task-list>`;
}

/** A task body holds inline content and nested lists: paragraphs are unwrapped, one per line. */
function taskBody(w: Writer, content: ElementContent[]): string {
  let out = '';
  let run: ElementContent[] = [];
  let prevParagraph = false;
  const flush = (): void => {
    if (run.some((n) => !isBlank(n))) out += w.mixed(run);
    run = [];
  };
  for (const c of content) {
    if (isElement(c) && c.tagName === 'p') {
      flush();
      if (prevParagraph) out += '<br/>';
      out += w.anchorsOf(c) + w.inline(trimRun(c.children));
      prevParagraph = true;
    } else {
      run.push(c);
      if (!isBlank(c)) prevParagraph = false;
    }
  }
  flush();
  return out;
}

export function table(w: Writer, el: Element): string {
  const rows: Element[] = [];
  let caption = '';
  for (const c of el.children) {
    if (!isElement(c)) continue;
    if (c.tagName === 'tr') rows.push(c);
    else if (c.tagName === 'caption') caption = w.blocks(c.children);
    else if (c.tagName === 'thead' || c.tagName === 'tbody' || c.tagName === 'tfoot') rows.push(...c.children.filter((r): r is Element => isElement(r) && r.tagName === 'tr'));
  }
  const body = rows.map((r) => `<tr>${w.anchorsOf(r)}${r.children.filter(isElement).map((cell) => tableCell(w, cell)).join('')}</tr>`).join('');
  return `${caption}${w.anchorsOf(el)}<table><tbody>${body}</tbody></table>`;
}

function tableCell(w: Writer, cell: Element): string {
  const tag = cell.tagName === 'th' ? 'th' : 'td';
  const align = alignOf(cell);
  const span = (v: unknown): string | undefined => {
    const n = Number(stringProp(v));
    return Number.isInteger(n) && n > 1 ? String(n) : undefined;
  };
  const a = attrs({ colspan: span(cell.properties['colSpan']), rowspan: span(cell.properties['rowSpan']), style: align ? `text-align: ${align};` : undefined });
  const content = cell.tagName === 'th' || cell.tagName === 'td' ? cell.children : [cell];
  return `<${tag}${a}>${w.anchorsOf(cell)}${w.mixed(content)}</${tag}>`;
}
