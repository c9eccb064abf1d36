/**
 * A small XML well-formedness check for the JUnit output (no XML parser among the dependencies):
 * one declaration first, one root element, every tag balanced and properly nested, attributes
 * quoted and unique, and `&` only as one of the five predefined entities or a character
 * reference, `<` never in text or attribute values. Returns the problems (empty when well-formed)
 * and the element tree for structural assertions.
 */
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const NAME = '[A-Za-z_][\\w.-]*';
const TAG = new RegExp(`^<(/?)(${NAME})((?:\\s+${NAME}\\s*=\\s*"[^"]*")*)\\s*(/?)>`);
const ATTRIBUTE = new RegExp(`(${NAME})\\s*=\\s*"([^"]*)"`, 'g');
const BAD_AMPERSAND = /&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/;

export function unescapeXml(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g, (_, entity: string) => {
    if (entity === 'amp') return '&';
    if (entity === 'lt') return '<';
    if (entity === 'gt') return '>';
    if (entity === 'quot') return '"';
    if (entity === 'apos') return "'";
    return String.fromCodePoint(entity.startsWith('#x') ? parseInt(entity.slice(2), 16) : Number(entity.slice(1)));
  });
}

export function checkXml(xml: string): { problems: string[]; root: XmlElement | null } {
  const problems: string[] = [];
  const declaration = /^<\?xml version="1\.0" encoding="UTF-8"\?>\n/.exec(xml);
  if (declaration === null) problems.push('missing <?xml version="1.0" encoding="UTF-8"?> declaration');
  let rest = declaration === null ? xml : xml.slice(declaration[0].length);
  const stack: XmlElement[] = [];
  let root: XmlElement | null = null;
  let guard = 0;
  while (rest.length > 0 && guard++ < 1_000_000) {
    const lt = rest.indexOf('<');
    const text = lt < 0 ? rest : rest.slice(0, lt);
    if (text.length > 0) {
      if (BAD_AMPERSAND.test(text)) problems.push(`unescaped & in text ${JSON.stringify(text.slice(0, 40))}`);
      if (stack.length > 0) stack[stack.length - 1].text += unescapeXml(text);
      else if (text.trim() !== '') problems.push(`text outside the root element: ${JSON.stringify(text.slice(0, 40))}`);
    }
    if (lt < 0) break;
    rest = rest.slice(lt);
    const match = TAG.exec(rest);
    if (match === null) {
      problems.push(`malformed tag at ${JSON.stringify(rest.slice(0, 40))}`);
      break;
    }
    rest = rest.slice(match[0].length);
    const [, closing, name, attributeText, selfClosing] = match;
    if (closing === '/') {
      const open = stack.pop();
      if (open === undefined || open.name !== name) problems.push(`</${name}> closes ${open === undefined ? 'nothing' : `<${open.name}>`}`);
      continue;
    }
    const attributes: Record<string, string> = {};
    for (const [, key, value] of attributeText.matchAll(ATTRIBUTE)) {
      if (key in attributes) problems.push(`attribute ${key} twice on <${name}>`);
      if (value.includes('<') || BAD_AMPERSAND.test(value)) problems.push(`unescaped < or & in ${name}@${key}`);
      attributes[key] = unescapeXml(value);
    }
    const element: XmlElement = { name, attributes, children: [], text: '' };
    if (stack.length > 0) stack[stack.length - 1].children.push(element);
    else if (root === null) root = element;
    else problems.push(`a second root element <${name}>`);
    if (selfClosing !== '/') stack.push(element);
  }
  if (stack.length > 0) problems.push(`unclosed ${stack.map((e) => `<${e.name}>`).join(' ')}`);
  if (root === null) problems.push('no root element');
  return { problems, root };
}
