export { TemplateRenderError } from './errors';
export { renderTemplate, TemplateCache, DEFAULT_LIMITS } from './interpreter';
export type { RenderOutput, SourceLine, TemplateLoader, RenderLimits, RenderOptions } from './interpreter';
export { fromJs, PyDict, PyFloat, PyTuple, repr, str } from './values';
export type { PyValue } from './values';
