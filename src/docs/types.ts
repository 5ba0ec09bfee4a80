/** Shapes shared by the converter, the link resolver and the publisher. */

/** What a link resolves to. */
export type LinkTarget =
  | { kind: 'url'; href: string }
  /** Same page; `anchor` is the fragment as written (percent-decoded), matched against the page's anchors. */
  | { kind: 'anchor'; anchor: string }
  | { kind: 'page'; title: string; anchor?: string }
  | { kind: 'attachment'; filename: string }
  /** Not linkable: the text is kept; `show` (a target worth reading, such as `git@host:repo`) follows it as code. */
  | { kind: 'none'; show?: string };

export type ImageTarget = { kind: 'url'; url: string } | { kind: 'attachment'; filename: string } | { kind: 'none' };

export interface Problem {
  line?: number;
  column?: number;
  message: string;
  /** A warning does not stop publishing (unless `--strict`). */
  warning?: boolean;
}

export interface ConvertOptions {
  /** Resolve a link's URL (not a same-page `#fragment`); report problems through its own channel. */
  resolveLink?: (url: string, line: number | undefined) => LinkTarget;
  resolveImage?: (src: string, line: number | undefined) => ImageTarget;
  /** Leave the first level-1 heading out of the body and return its text. */
  titleFromH1?: boolean;
  mermaid?: 'code' | 'macro';
  mermaidMacro?: string;
  /** Space key written on page links (omitted when undefined: same space). */
  spaceKey?: string;
}

export interface ConvertResult {
  xhtml: string;
  /** Text of the first level-1 heading, when `titleFromH1` took it. */
  h1Title?: string;
  problems: Problem[];
}
