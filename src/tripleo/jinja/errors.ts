/** A template that cannot be rendered: a syntax error, an undefined value used, a Python error raised. */
export class TemplateRenderError extends Error {
  /** Plan-relative path of the file at fault (an included file when the fault is there). */
  readonly file: string;
  /** 1-based line in that file. */
  readonly line: number;
  /** The message without the location prefix. */
  readonly reason: string;
  constructor(file: string, line: number, reason: string) {
    super(`${file}:${line}: ${reason}`);
    this.name = 'TemplateRenderError';
    this.file = file;
    this.line = line;
    this.reason = reason;
  }
}
