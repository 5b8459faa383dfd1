import type * as FastXmlParser from 'fast-xml-parser';
import { AnalyzerError } from '../types.ts';

/** One element of an XML manifest: the names are values here, never object keys. */
export interface XmlElement {
  /** Local name, without a namespace prefix (`pom:project` → `project`). */
  readonly name: string;
  readonly attributes: ReadonlyMap<string, string>;
  readonly children: readonly XmlElement[];
  /** The element's own text (CDATA included), trimmed; text inside child elements is theirs. */
  readonly text: string;
}

/** Real manifests are kilobytes; a POM of a few hundred dependencies is well under 1 MiB. */
export const maxXmlManifestBytes = 8 * 1024 * 1024;

/** `fast-xml-parser` is loaded by the first XML manifest a scan meets: most scans have none. */
let parserModule: Promise<typeof FastXmlParser> | undefined;

/** Every name is prefixed while parsing, so that no tag or attribute name is ever a special property. */
const tagPrefix = '<';
const attributePrefix = '@';

/**
 * Parses one XML manifest (pom.xml, packages.config, *.props) safely: bounded size, no DOCTYPE (so no entity
 * declarations, hence no entity expansion and no external entities), only the five predefined entities decoded,
 * nesting bounded by the parser. Well-formedness is checked first so that a broken file gets a message with its
 * line. Returns the root element, which must be named `rootName`.
 */
export async function parseXmlManifest(
  type: string,
  path: string,
  content: Buffer,
  rootName: string,
): Promise<XmlElement> {
  if (content.length > maxXmlManifestBytes)
    throw new AnalyzerError(
      type,
      path,
      `${content.length} bytes is over the ${maxXmlManifestBytes}-byte limit for an XML manifest`,
    );
  const text = decodeXml(content);
  if (/<!D/.test(text.replace(/<!--[\s\S]*?-->/g, '')))
    throw new AnalyzerError(
      type,
      path,
      'has a DOCTYPE declaration; manifests need none, and its entities could change what the file says',
    );
  const { XMLParser, XMLValidator } = await (parserModule ??= import('fast-xml-parser'));
  const validation = XMLValidator.validate(text);
  if (validation !== true) {
    const { msg, line } = validation.err;
    throw new AnalyzerError(type, path, `invalid XML at line ${line}: ${msg}`);
  }
  let nodes: unknown;
  try {
    nodes = new XMLParser({
      preserveOrder: true,
      ignoreAttributes: false,
      attributeNamePrefix: '',
      parseTagValue: false,
      parseAttributeValue: false,
      trimValues: true,
      removeNSPrefix: true,
      ignoreDeclaration: true,
      ignorePiTags: true,
      htmlEntities: false,
      transformTagName: (name: string) => tagPrefix + name,
      transformAttributeName: (name: string) => attributePrefix + name,
    }).parse(text);
  } catch (error) {
    throw new AnalyzerError(type, path, `invalid XML: ${(error as Error).message}`);
  }
  const roots = Array.isArray(nodes) ? nodes.flatMap((node) => toElement(node) ?? []) : [];
  if (roots.length !== 1)
    throw new AnalyzerError(type, path, `expected one <${rootName}> root element, found ${roots.length}`);
  const root = roots[0]!;
  if (root.name !== rootName)
    throw new AnalyzerError(type, path, `the root element is <${root.name}>, not <${rootName}>`);
  return root;
}

/** UTF-8 unless a byte-order mark says UTF-16 (Visual Studio writes some manifests that way). */
function decodeXml(content: Buffer): string {
  if (content[0] === 0xff && content[1] === 0xfe)
    return new TextDecoder('utf-16le').decode(content.subarray(2));
  if (content[0] === 0xfe && content[1] === 0xff)
    return new TextDecoder('utf-16be').decode(content.subarray(2));
  return content.toString('utf8').replace(/^\uFEFF/, '');
}

/** One node of the parser's ordered output (`{ "<tag": [children], ":@": { "@attr": "v" } }`) as an element. */
function toElement(node: unknown): XmlElement | undefined {
  if (typeof node !== 'object' || node === null) return undefined;
  const entries = Object.entries(node as Record<string, unknown>);
  const tag = entries.find(([key]) => key.startsWith(tagPrefix));
  if (!tag) return undefined;
  const [key, body] = tag;
  const children: XmlElement[] = [];
  const texts: string[] = [];
  for (const child of Array.isArray(body) ? body : []) {
    const text = (child as Record<string, unknown>)['#text'];
    if (typeof text === 'string') texts.push(text);
    else {
      const element = toElement(child);
      if (element) children.push(element);
    }
  }
  const attributes = new Map<string, string>();
  const raw = (node as Record<string, unknown>)[':@'];
  if (typeof raw === 'object' && raw !== null)
    for (const [name, value] of Object.entries(raw))
      if (typeof value === 'string') attributes.set(name.slice(attributePrefix.length), value);
  // The parser prefixes the name of a self-closing tag twice.
  return { name: key.replace(/^<+/, ''), attributes, children, text: texts.join('').trim() };
}

/** The first child element called `name`. */
export function childElement(element: XmlElement, name: string): XmlElement | undefined {
  return element.children.find((child) => child.name === name);
}

/** Every child element called `name`, in document order. */
export function childElements(element: XmlElement, name: string): XmlElement[] {
  return element.children.filter((child) => child.name === name);
}

/** The text of the first child called `name`; undefined when it is missing or blank. */
export function childText(element: XmlElement, name: string): string | undefined {
  const text = childElement(element, name)?.text;
  return text ? text : undefined;
}

/** An attribute's value, trimmed; undefined when missing or blank. */
export function attributeText(element: XmlElement, name: string): string | undefined {
  const value = element.attributes.get(name)?.trim();
  return value ? value : undefined;
}
