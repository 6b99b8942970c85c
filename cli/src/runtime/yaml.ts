/**
 * The `yaml` package, for modules that load it on demand (`await import('./yaml.js')`). yaml is
 * CommonJS under Node; imported dynamically from the bundle it would show only a default
 * export, so it is imported statically here and re-exported by name.
 */
export { LineCounter, parse, parseDocument, stringify } from 'yaml';
